// One HTTP/1.1 connection of an HttpListener, on Boost.Beast: reads each
// request's head and body within bounded times, answers 100 Continue,
// hands the complete request to the handler and writes the answer, then
// waits (bounded) for the next request on the same connection.
#ifndef REGSERVE_SERVER_HTTP_HTTP_SESSION_H_
#define REGSERVE_SERVER_HTTP_HTTP_SESSION_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "server/http/http_exchange.h"
#include "server/http/http_types.h"

namespace regserve::server::http {

// Bytes of request bodies being read or held at once across a listener's
// connections, reserved from the head (Content-Length, or the body limit
// for a chunked body) until the answer is written. Thread-safe.
class BodyBudget {
 public:
  explicit BodyBudget(size_t limit) : limit_(limit) {}
  // Reserves `bytes` if they fit; whether they did.
  bool TryReserve(size_t bytes);
  void Release(size_t bytes) { used_.fetch_sub(bytes); }
  size_t limit() const { return limit_; }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
};

// What every connection of a listener shares. The handler must outlive
// the listener.
struct SessionConfig {
  const HttpHandler* handler = nullptr;
  HttpLimits limits;
  // Shared by the listener's connections; null: bodies are not budgeted.
  BodyBudget* body_budget = nullptr;
  // Between two requests on a kept-alive connection (then it closes).
  absl::Duration idle_timeout = absl::Seconds(60);
  // To read a request's head once its first byte came, and again to read
  // its body: total times, so a client sending a byte now and then
  // (slowloris) is cut off all the same.
  absl::Duration read_timeout = absl::Seconds(10);
  // To write one answer.
  absl::Duration write_timeout = absl::Seconds(10);
};

class HttpSession;

// The open connections of one listener, for its connection cap and for
// shutdown. Thread-safe.
class SessionSet {
 public:
  explicit SessionSet(int max_sessions) : max_(max_sessions) {}
  // Registers a new connection; false at the cap or once stopping.
  bool Add(const std::shared_ptr<HttpSession>& session);
  void Remove(HttpSession* session);
  // From now on no connection is kept alive: idle ones close at once, the
  // others after the answer they are working on.
  void CloseAll();
  // Until no connection is open or `deadline`; whether none is.
  bool AwaitEmpty(absl::Time deadline);
  int size() const;
  bool stopping() const;

 private:
  const int max_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<HttpSession*, std::weak_ptr<HttpSession>> sessions_
      ABSL_GUARDED_BY(mu_);
};

// Owned by shared_ptr: every pending asynchronous operation holds one, so
// the session ends when its socket's last operation completes. All of its
// work runs on the socket's strand.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // `socket` must have been accepted on a strand. `config` and `set` must
  // outlive the session.
  HttpSession(boost::asio::ip::tcp::socket socket, const SessionConfig* config,
              SessionSet* set);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void Start();
  // Thread-safe. Closes the connection now if no request is being read or
  // answered, else once its answer is written.
  void Close();

 private:
  void AwaitRequest();
  void ReadHeader();
  void OnHeader(const boost::system::error_code& error);
  void ReadBody();
  void OnBody(const boost::system::error_code& error);
  void OnReadError(const boost::system::error_code& error);
  void Send(HttpResponse response, bool keep_alive);
  void OnSent(const boost::system::error_code& error, bool keep_alive,
              bool body_unread);
  void AwaitNextRequest();
  // Reserves the body's bytes from the budget; false if they do not fit.
  bool ReserveBody();
  // Drops the request (and its body) and gives its bytes back.
  void ReleaseRequest();
  // Ends the connection: our side shut, then closed at once, or after
  // draining what the client still sends if a body was left unread.
  void Shutdown(bool body_unread);
  void Drain();

  boost::beast::tcp_stream stream_;
  const SessionConfig* const config_;
  SessionSet* const set_;
  // Bytes read and not yet parsed; capped, so that no framing (a chunk-size
  // line without its end, endless trailers) grows it beyond a head and a
  // read's worth (Beast then fails with buffer_overflow: a 400).
  boost::beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::optional<WireResponse> response_;  // being written
  std::chrono::steady_clock::time_point head_read_at_;
  size_t reserved_ = 0;  // of config_->body_budget, for this request
  bool busy_ = false;    // from a request's first byte until its answer is sent
  bool closing_ = false;  // close after the answer being worked on
};

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_HTTP_SESSION_H_
