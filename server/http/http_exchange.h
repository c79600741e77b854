// HTTP/1.1 decisions that need no socket, shared by the listener's
// connections and the HTTP framing fuzz target: parser limits, what a
// request head alone refuses, how a framing error is answered, and how a
// complete request becomes an answer (HEAD, OPTIONS, Allow, the path).
// The wire format itself is Boost.Beast's (RFC 9112).
#ifndef REGSERVE_SERVER_HTTP_HTTP_EXCHANGE_H_
#define REGSERVE_SERVER_HTTP_HTTP_EXCHANGE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "boost/beast/http.hpp"
#include "server/http/http_types.h"

namespace regserve::server::http {

namespace beast_http = ::boost::beast::http;
using RequestParser = beast_http::request_parser<beast_http::string_body>;
using WireRequest = beast_http::request<beast_http::string_body>;
using WireResponse = beast_http::response<beast_http::string_body>;

struct HttpLimits {
  size_t max_body_bytes = size_t{64} << 20;  // larger bodies: 413
  size_t max_header_bytes = 16 << 10;        // larger heads: 431
};

// Applies `limits` to a parser that has read nothing yet.
void ConfigureParser(const HttpLimits& limits, RequestParser* parser);

// What the head alone decides, before any body byte is read: nullopt to go
// on, or the refusal to answer (then the connection closes, as the body
// stays unread). 413 for a Content-Length over the limit, 415 for a
// Content-Encoding other than identity (bodies are never decompressed),
// 400 for a Transfer-Encoding not ending in chunked or beside a
// Content-Length (request smuggling), 417 for an HTTP/1.1 Expect other than
// 100-continue.
std::optional<HttpResponse> CheckHead(const beast_http::request_header<>& head,
                                      const HttpLimits& limits);

// The bytes a request's body may take in memory, known from its head: its
// Content-Length, or the body limit for a chunked body.
size_t BodyBytesToReserve(const RequestParser& parser,
                          const HttpLimits& limits);

// The answer when the bodies being read already take `budget` bytes: 503,
// naming --memory_quota_bytes.
HttpResponse BodyBudgetRefusal(size_t budget);

// Whether the client waits for "100 Continue" before sending its body
// (RFC 9110 section 10.1.1): HTTP/1.1 with `Expect: 100-continue`.
bool ExpectsContinue(const beast_http::request_header<>& head);

// The answer to a request that could not be read in full: 413 for a body
// over the limit, 431 for a head over the limit, 400 for a body shorter
// than its Content-Length (the client ended its side early) or any other
// malformed framing, naming the parser's reason.
HttpResponse FramingError(const boost::system::error_code& error,
                          const HttpLimits& limits);

// The path of a request target: the query dropped, %XX escapes decoded.
// INVALID_ARGUMENT for a bad escape or a decoded NUL.
absl::StatusOr<std::string> DecodePath(absl::string_view target);

// Answers a complete request with `handler`: HEAD is handled as GET,
// OPTIONS answers 204 with Allow (404 for an unknown path), and a 405 gets
// its Allow header.
HttpResponse Answer(const WireRequest& request, const HttpHandler& handler);

// The message to write for `response`: Content-Type and Content-Length
// (also for HEAD, whose body is then left out), Allow, keep-alive.
WireResponse ToWire(HttpResponse response, unsigned version, bool keep_alive,
                    bool head_request);

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_HTTP_EXCHANGE_H_
