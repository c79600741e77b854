// What an HTTP handler sees and answers, independent of the HTTP library:
// the request already framed (method, decoded path, whole body), the answer
// as status, body and the few headers a handler decides.
#ifndef REGSERVE_SERVER_HTTP_HTTP_TYPES_H_
#define REGSERVE_SERVER_HTTP_HTTP_TYPES_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace regserve::server::http {

// One request, its body read in full. Views into the connection's buffers:
// valid during Handle() only.
struct HttpRequest {
  absl::string_view method;         // "GET", "POST", ... (never HEAD)
  absl::string_view path;           // percent-decoded, without "?query"
  absl::string_view body;           // the whole body, Content-Length bytes
  absl::string_view authorization;  // the Authorization header, "" if none
};

struct HttpResponse {
  int status = 200;
  std::string body;            // the whole body
  const char* route = "none";  // metrics label: RouteName() or "none"
  const char* content_type = "application/json";
  std::string allow;  // Allow header (405, OPTIONS); "" = none
};

// A JSON answer: `status` with `body`, counted under `route`.
inline HttpResponse JsonResponse(int status, std::string body,
                                 const char* route = "none") {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.route = route;
  return response;
}

// A transport-free HTTP endpoint (the JSON gateway, /metrics). The
// listener (http_listener.h) does HTTP/1.1 itself: framing, HEAD (as GET,
// body dropped), OPTIONS and 405's Allow (from AllowedMethods), 100
// Continue, limits and timeouts. Implementations must be thread-safe:
// every listener thread calls them.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Answers one request (any method but HEAD and OPTIONS).
  virtual HttpResponse Handle(const HttpRequest& request) const = 0;
  // The methods `path` answers to, e.g. "GET" or "POST"; "" for a path that
  // does not exist (the listener adds HEAD to GET and OPTIONS to all).
  virtual std::string AllowedMethods(absl::string_view path) const = 0;
  // Called once per answer a connection writes, its own refusals (413, 415,
  // 400 for framing, ...) included, before it is sent, with the seconds
  // since the request's head was read. Not called for connections cut by a
  // timeout (nothing is written) or refused at the connection cap.
  virtual void OnAnswered(const HttpResponse& response, double seconds) const {
    (void)response;
    (void)seconds;
  }
};

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_HTTP_TYPES_H_
