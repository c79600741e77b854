// An HTTP/1.1 server on Boost.Beast for one port: an event loop run by a
// few threads, so idle or slow connections hold no thread, with a cap on
// open connections, bounded read times and graceful shutdown. Serves one
// HttpHandler (the JSON gateway, or /metrics).
#ifndef REGSERVE_SERVER_HTTP_HTTP_LISTENER_H_
#define REGSERVE_SERVER_HTTP_HTTP_LISTENER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "server/http/http_session.h"
#include "server/http/http_types.h"

namespace regserve::server::http {

struct HttpListenerOptions {
  std::string host = "0.0.0.0";
  int port = 0;  // 0: a free port
  // Threads running the event loop; handlers run on them.
  int threads = 2;
  // Open connections past which new ones get 503 and are closed.
  int max_connections = 1024;
  // Bytes of request bodies held at once (BodyBudget); 0: unbounded.
  size_t max_body_memory = 0;
  // Limits and timeouts of every connection (handler is set by Start).
  SessionConfig session;
};

// Thread-safe. Owns its threads and connections; `handler` must outlive it.
class HttpListener {
 public:
  // Binds host:port (never sharing it: no SO_REUSEPORT) and starts the
  // threads. UNAVAILABLE if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      HttpListenerOptions options, const HttpHandler* handler);
  // Stop(zero grace) if not stopped yet.
  ~HttpListener();

  // Stops accepting; closes idle connections at once; requests being read
  // (from their first byte) or answered finish (their answers say Connection:
  // close) for up to `grace`, then the rest are cut. Idempotent.
  void Stop(absl::Duration grace);

  int port() const { return port_; }
  // Connections open now (for tests and logs).
  int connections() const { return sessions_.size(); }

 private:
  explicit HttpListener(HttpListenerOptions options);
  absl::Status Bind();
  void Accept();
  void Open(boost::asio::ip::tcp::socket socket);

  HttpListenerOptions options_;
  std::unique_ptr<BodyBudget> body_budget_;
  SessionSet sessions_;  // before the io_context: outlives its handlers
  boost::asio::io_context io_;
  boost::asio::strand<boost::asio::io_context::executor_type> accept_strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;  // after a failed accept
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      work_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_HTTP_LISTENER_H_
