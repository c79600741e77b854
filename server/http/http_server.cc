#include "server/http/http_server.h"

#include <chrono>
#include <exception>
#include <vector>

#include "CivetServer.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/http/http_errors.h"

namespace regserve::server::http {

class HttpServer::Handler : public CivetHandler {
 public:
  Handler(const JsonGateway* gateway, const metrics::HttpMetrics* metrics,
          size_t max_body_bytes)
      : gateway_(gateway), metrics_(metrics), max_body_(max_body_bytes) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    return Serve(conn);
  }
  bool handlePost(CivetServer*, mg_connection* conn) override {
    return Serve(conn);
  }
  bool handlePut(CivetServer*, mg_connection* conn) override {
    return Serve(conn);
  }
  bool handleDelete(CivetServer*, mg_connection* conn) override {
    return Serve(conn);
  }
  bool handlePatch(CivetServer*, mg_connection* conn) override {
    return Serve(conn);
  }

 private:
  // Reads the whole body, refusing more than the limit whether or not the
  // client sent a Content-Length.
  absl::Status ReadBody(mg_connection* conn, long long declared,
                        std::string* body) const {
    const auto too_large = [&](long long size) {
      return absl::ResourceExhaustedError(
          absl::StrCat("request body of ", size, " bytes is over the limit of ",
                       max_body_, " bytes (--max_message_bytes)"));
    };
    if (declared > static_cast<long long>(max_body_))
      return too_large(declared);
    char buffer[16384];
    while (true) {
      const int n = mg_read(conn, buffer, sizeof(buffer));
      if (n <= 0) break;
      body->append(buffer, static_cast<size_t>(n));
      if (body->size() > max_body_) return too_large(body->size());
    }
    return absl::OkStatus();
  }

  bool Serve(mg_connection* conn) const {
    const auto start = std::chrono::steady_clock::now();
    const mg_request_info* info = mg_get_request_info(conn);
    std::string body;
    HttpResponse response;
    absl::Status read = ReadBody(conn, info->content_length, &body);
    if (read.ok()) {
      const char* authorization = mg_get_header(conn, "Authorization");
      response = gateway_->Handle(info->request_method,
                                  info->local_uri ? info->local_uri : "", body,
                                  authorization ? authorization : "");
    } else {
      response = HttpResponse{413, ErrorJson(read), "none"};
    }
    // Recorded before the answer is written: a caller that has its answer
    // can rely on it being counted.
    if (metrics_ != nullptr) {
      metrics_->Record(response.route, response.status,
                       std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - start)
                           .count());
    }
    mg_response_header_start(conn, response.status);
    mg_response_header_add(conn, "Content-Type", "application/json", -1);
    const std::string length = std::to_string(response.body.size());
    mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
    mg_response_header_send(conn);
    mg_write(conn, response.body.data(), response.body.size());
    return true;
  }

  const JsonGateway* gateway_;
  const metrics::HttpMetrics* metrics_;
  size_t max_body_;
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, const JsonGateway* gateway,
    const metrics::HttpMetrics* metrics) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->handler_ =
      std::make_unique<Handler>(gateway, metrics, options.max_body_bytes);
  const std::vector<std::string> civet_options = {
      "listening_ports",    absl::StrCat(options.host, ":", options.port),
      "num_threads",        std::to_string(options.threads),
      "request_timeout_ms", "30000",
      "enable_keep_alive",  "yes"};
  // civetweb's C++ wrapper reports bind failures by throwing; stop them here
  // so no exception crosses into the server layer.
  try {
    server->server_ = std::make_unique<CivetServer>(civet_options);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve HTTP on ",
                                               options.host, ":", options.port,
                                               ": ", e.what()));
  }
  server->server_->addHandler("/", server->handler_.get());
  const std::vector<int> ports = server->server_->getListeningPorts();
  server->port_ = ports.empty() ? options.port : ports.front();
  return server;
}

HttpServer::~HttpServer() {
  if (server_ != nullptr) server_->close();
}

}  // namespace regserve::server::http
