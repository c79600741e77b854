#include "server/http/http_session.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/write.hpp"
#include "server/http/http_errors.h"

namespace regserve::server::http {
namespace {

namespace net = ::boost::asio;
using ::boost::system::error_code;
using tcp = ::boost::asio::ip::tcp;

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
// After refusing a request whose body was not read: how long the unread
// bytes are drained after our side is shut, so that the kernel does not
// reset the connection before the client has read the refusal.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kReadChunk = 16 << 10;

std::chrono::milliseconds ToChrono(absl::Duration d) {
  return absl::ToChronoMilliseconds(d);
}

bool IsHttpError(const error_code& error) {
  return error.category() ==
         beast_http::make_error_code(beast_http::error::end_of_stream)
             .category();
}

}  // namespace

bool BodyBudget::TryReserve(size_t bytes) {
  size_t used = used_.load();
  do {
    if (bytes > limit_ - std::min(used, limit_)) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes));
  return true;
}

bool SessionSet::Add(const std::shared_ptr<HttpSession>& session) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || static_cast<int>(sessions_.size()) >= max_) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

void SessionSet::Remove(HttpSession* session) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(session);
}

void SessionSet::CloseAll() {
  std::vector<std::shared_ptr<HttpSession>> open;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (const auto& [raw, weak] : sessions_) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
  }
  for (const auto& session : open) session->Close();
}

bool SessionSet::AwaitEmpty(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto empty = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return sessions_.empty();
  };
  return mu_.AwaitWithDeadline(absl::Condition(&empty), deadline);
}

int SessionSet::size() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(sessions_.size());
}

bool SessionSet::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

HttpSession::HttpSession(tcp::socket socket, const SessionConfig* config,
                         SessionSet* set)
    : stream_(std::move(socket)),
      config_(config),
      set_(set),
      buffer_(config->limits.max_header_bytes + kReadChunk * 4) {}

HttpSession::~HttpSession() {
  ReleaseRequest();
  set_->Remove(this);
}

void HttpSession::Start() {
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this()] { self->AwaitRequest(); });
}

void HttpSession::Close() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (self->busy_) return;  // OnSent closes it
    error_code ignored;
    self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    self->stream_.close();
  });
}

// Waits for the first byte of the next request, up to the idle timeout.
void HttpSession::AwaitRequest() {
  if (closing_ || set_->stopping()) return Shutdown(false);
  stream_.expires_after(ToChrono(config_->idle_timeout));
  stream_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](const error_code& error, size_t n) {
        if (error) return self->OnReadError(error);
        self->buffer_.commit(n);
        self->ReadHeader();
      });
}

void HttpSession::ReadHeader() {
  // Empty lines before a request line are ignored (RFC 9112 section 2.2),
  // e.g. a CRLF some clients send after a body.
  while (buffer_.size() > 0 &&
         (*static_cast<const char*>(buffer_.data().data()) == '\r' ||
          *static_cast<const char*>(buffer_.data().data()) == '\n')) {
    buffer_.consume(1);
  }
  if (buffer_.size() == 0) return AwaitRequest();
  // From its first byte a request is being read: Close() lets it finish.
  busy_ = true;
  parser_.emplace();
  ConfigureParser(config_->limits, &*parser_);
  stream_.expires_after(ToChrono(config_->read_timeout));
  beast_http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](const error_code& error, size_t) {
        self->OnHeader(error);
      });
}

void HttpSession::OnHeader(const error_code& error) {
  if (error) return OnReadError(error);
  head_read_at_ = std::chrono::steady_clock::now();
  if (auto refusal = CheckHead(parser_->get(), config_->limits)) {
    return Send(std::move(*refusal), /*keep_alive=*/false);
  }
  if (!ReserveBody()) {
    return Send(BodyBudgetRefusal(config_->body_budget->limit()),
                /*keep_alive=*/false);
  }
  if (!ExpectsContinue(parser_->get())) return ReadBody();
  stream_.expires_after(ToChrono(config_->write_timeout));
  net::async_write(
      stream_, net::buffer(kContinue, sizeof(kContinue) - 1),
      [self = shared_from_this()](const error_code& error, size_t) {
        if (error) return self->stream_.close();
        self->ReadBody();
      });
}

void HttpSession::ReadBody() {
  stream_.expires_after(ToChrono(config_->read_timeout));
  beast_http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](const error_code& error, size_t) {
        self->OnBody(error);
      });
}

void HttpSession::OnBody(const error_code& error) {
  if (error) return OnReadError(error);
  HttpResponse response;
  // The handler is transport-free and should not throw; if a library
  // below it does (bad_alloc), the answer is a 500, not a dead thread.
  try {
    response = Answer(parser_->get(), *config_->handler);
  } catch (const std::exception& e) {
    response = JsonResponse(500, ErrorJson(absl::InternalError(e.what())));
  }
  Send(std::move(response), parser_->get().keep_alive());
}

void HttpSession::OnReadError(const error_code& error) {
  // Closed by Close(), or cut off by a timeout (Beast closed the socket).
  if (error == net::error::operation_aborted ||
      error == boost::beast::error::timeout) {
    return;
  }
  // The client closed between requests, or the connection failed.
  if (error == beast_http::error::end_of_stream || !IsHttpError(error)) {
    return Shutdown(false);
  }
  busy_ = true;
  if (head_read_at_ == std::chrono::steady_clock::time_point()) {
    head_read_at_ = std::chrono::steady_clock::now();
  }
  Send(FramingError(error, config_->limits), /*keep_alive=*/false);
}

void HttpSession::Send(HttpResponse response, bool keep_alive) {
  const bool head_done = parser_.has_value() && parser_->is_header_done();
  const bool head_request =
      head_done && parser_->get().method() == beast_http::verb::head;
  const unsigned version = head_done ? parser_->get().version() : 11;
  const bool body_unread = !head_done || !parser_->is_done();
  keep_alive = keep_alive && !body_unread && !closing_ && !set_->stopping();
  // The answer is all that is needed from here: the body's bytes go back
  // to the budget before it is written (so a client that has its answer
  // can count on them).
  ReleaseRequest();
  config_->handler->OnAnswered(
      response, std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                              head_read_at_)
                    .count());
  response_.emplace(
      ToWire(std::move(response), version, keep_alive, head_request));
  stream_.expires_after(ToChrono(config_->write_timeout));
  beast_http::async_write(stream_, *response_,
                          [self = shared_from_this(), keep_alive, body_unread](
                              const error_code& error, size_t) {
                            self->OnSent(error, keep_alive, body_unread);
                          });
}

void HttpSession::OnSent(const error_code& error, bool keep_alive,
                         bool body_unread) {
  response_.reset();
  busy_ = false;
  head_read_at_ = {};
  if (error) return stream_.close();
  if (!keep_alive || closing_) return Shutdown(body_unread);
  AwaitNextRequest();
}

bool HttpSession::ReserveBody() {
  if (config_->body_budget == nullptr) return true;
  const size_t bytes = BodyBytesToReserve(*parser_, config_->limits);
  if (bytes == 0) return true;
  if (!config_->body_budget->TryReserve(bytes)) return false;
  reserved_ = bytes;
  return true;
}

void HttpSession::ReleaseRequest() {
  parser_.reset();
  if (reserved_ == 0) return;
  config_->body_budget->Release(reserved_);
  reserved_ = 0;
}

void HttpSession::AwaitNextRequest() {
  // A pipelined request may already be in the buffer.
  if (buffer_.size() > 0) return ReadHeader();
  AwaitRequest();
}

void HttpSession::Shutdown(bool body_unread) {
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (!body_unread && buffer_.size() == 0) return stream_.close();
  // Lingering close: read and drop what the client still sends until it
  // closes too, or for kLingerTime in all.
  buffer_.clear();
  stream_.expires_after(kLingerTime);
  Drain();
}

void HttpSession::Drain() {
  stream_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](const error_code& error, size_t) {
        if (error) return self->stream_.close();
        self->Drain();
      });
}

}  // namespace regserve::server::http
