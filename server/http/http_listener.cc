#include "server/http/http_listener.h"

#include <chrono>
#include <exception>
#include <future>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/post.hpp"
#include "common/logging.h"
#include "server/http/http_errors.h"

namespace regserve::server::http {
namespace {

namespace net = ::boost::asio;
using ::boost::system::error_code;
using tcp = ::boost::asio::ip::tcp;

// Over the connection cap: a short answer written without waiting (a fresh
// socket's send buffer takes it), then the socket is closed.
void RefuseConnection(tcp::socket socket, int max_connections) {
  const std::string body = ErrorJson(absl::UnavailableError(absl::StrCat(
      "the server has ", max_connections,
      " open HTTP connections (--http_max_connections); retry later")));
  const std::string answer = absl::StrCat(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Content-Length: ",
      body.size(), "\r\nConnection: close\r\nRetry-After: 1\r\n\r\n", body);
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(answer), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  // Closing with unread bytes makes the kernel reset the connection, which
  // can destroy the answer before the client reads it: drop what already
  // arrived (without waiting for more) first.
  char discard[4096];
  error_code read_error;
  for (int i = 0; i < 16 && !read_error; ++i) {
    socket.read_some(net::buffer(discard), read_error);
  }
  socket.close(ignored);
}

// Runs the event loop until it is stopped. Handlers catch what they call;
// an exception escaping one anyway (bad_alloc in Beast) is logged and the
// loop goes on, rather than terminating the process.
void RunLoop(net::io_context* io) {
  while (true) {
    try {
      io->run();
      return;
    } catch (const std::exception& e) {
      LOG(ERROR) << "HTTP event loop: " << e.what();
    }
  }
}

}  // namespace

HttpListener::HttpListener(HttpListenerOptions options)
    : options_(std::move(options)),
      sessions_(options_.max_connections),
      accept_strand_(net::make_strand(io_)),
      acceptor_(accept_strand_),
      accept_retry_(accept_strand_),
      work_(net::make_work_guard(io_)) {}

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    HttpListenerOptions options, const HttpHandler* handler) {
  options.session.handler = handler;
  std::unique_ptr<HttpListener> listener(new HttpListener(std::move(options)));
  if (listener->options_.max_body_memory > 0) {
    listener->body_budget_ =
        std::make_unique<BodyBudget>(listener->options_.max_body_memory);
    listener->options_.session.body_budget = listener->body_budget_.get();
  }
  if (absl::Status bound = listener->Bind(); !bound.ok()) return bound;
  listener->Accept();
  for (int i = 0; i < listener->options_.threads; ++i) {
    listener->threads_.emplace_back([io = &listener->io_] { RunLoop(io); });
  }
  return listener;
}

absl::Status HttpListener::Bind() {
  const auto fail = [this](const error_code& error) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve HTTP on ", options_.host, ":", options_.port,
                     ": ", error.message()));
  };
  error_code error;
  tcp::resolver resolver(io_);
  const auto endpoints = resolver.resolve(
      options_.host, std::to_string(options_.port),
      tcp::resolver::passive | tcp::resolver::numeric_service, error);
  if (error) return fail(error);
  if (endpoints.empty()) return fail(net::error::host_not_found);
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), error);
  // SO_REUSEADDR only (a restart may bind while old connections linger in
  // TIME_WAIT); never SO_REUSEPORT, which would share the port.
  if (!error) {
    acceptor_.set_option(net::socket_base::reuse_address(true), error);
  }
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(net::socket_base::max_listen_connections, error);
  if (error) return fail(error);
  port_ = acceptor_.local_endpoint(error).port();
  return absl::OkStatus();
}

void HttpListener::Accept() {
  acceptor_.async_accept(net::make_strand(io_), [this](const error_code& error,
                                                       tcp::socket socket) {
    if (error == net::error::operation_aborted || !acceptor_.is_open()) {
      return;
    }
    if (!error) {
      Open(std::move(socket));
      return Accept();
    }
    // Out of descriptors or memory: the listener stays readable, so
    // accepting again at once would spin. Wait a little first.
    LOG(WARNING) << "HTTP port " << port_
                 << ": accept failed: " << error.message()
                 << "; retrying in 100 ms";
    accept_retry_.expires_after(std::chrono::milliseconds(100));
    accept_retry_.async_wait([this](const error_code& wait_error) {
      if (!wait_error && acceptor_.is_open()) Accept();
    });
  });
}

// Only the accept strand calls this, and only it adds sessions: the room
// checked here is still there when the session is added.
void HttpListener::Open(tcp::socket socket) {
  error_code ignored;
  if (sessions_.stopping()) {
    socket.close(ignored);
    return;
  }
  if (sessions_.size() >= options_.max_connections) {
    return RefuseConnection(std::move(socket), options_.max_connections);
  }
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<HttpSession>(std::move(socket),
                                               &options_.session, &sessions_);
  if (sessions_.Add(session)) session->Start();
}

HttpListener::~HttpListener() { Stop(absl::ZeroDuration()); }

void HttpListener::Stop(absl::Duration grace) {
  if (stopped_.exchange(true)) return;
  if (threads_.empty()) {  // never started: nothing runs on the strand
    error_code ignored;
    acceptor_.close(ignored);
  } else {
    std::promise<void> closed;
    net::post(accept_strand_, [this, &closed] {
      error_code ignored;
      acceptor_.close(ignored);
      accept_retry_.cancel();
      closed.set_value();
    });
    closed.get_future().wait();
  }
  sessions_.CloseAll();
  sessions_.AwaitEmpty(absl::Now() + grace);
  work_.reset();
  io_.stop();
  for (std::thread& thread : threads_) thread.join();
}

}  // namespace regserve::server::http
