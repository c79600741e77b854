#include "server/http/http_exchange.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/echo.h"
#include "server/http/http_errors.h"

namespace regserve::server::http {
namespace {

HttpResponse Refusal(int http_status, const absl::Status& status) {
  HttpResponse response;
  response.status = http_status;
  response.body = ErrorJson(status);
  return response;
}

// "GET" -> "GET, HEAD, OPTIONS"; "POST" -> "POST, OPTIONS".
std::string WithHeadAndOptions(absl::string_view allowed) {
  std::string out(allowed);
  if (absl::StrContains(allowed, "GET")) absl::StrAppend(&out, ", HEAD");
  absl::StrAppend(&out, ", OPTIONS");
  return out;
}

// Whether the last coding of a Transfer-Encoding value is "chunked".
bool EndsInChunked(absl::string_view codings) {
  const size_t comma = codings.rfind(',');
  const absl::string_view last =
      comma == absl::string_view::npos ? codings : codings.substr(comma + 1);
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(last), "chunked");
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

void ConfigureParser(const HttpLimits& limits, RequestParser* parser) {
  parser->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser->body_limit(limits.max_body_bytes);
}

std::optional<HttpResponse> CheckHead(const beast_http::request_header<>& head,
                                      const HttpLimits& limits) {
  const auto length = head.find(beast_http::field::content_length);
  if (length != head.end()) {
    size_t declared = 0;
    if (absl::SimpleAtoi(
            absl::string_view(length->value().data(), length->value().size()),
            &declared) &&
        declared > limits.max_body_bytes) {
      return Refusal(
          413, absl::ResourceExhaustedError(absl::StrCat(
                   "request body of ", declared, " bytes is over the limit of ",
                   limits.max_body_bytes, " bytes (--max_message_bytes)")));
    }
  }
  const auto encoding = head.find(beast_http::field::content_encoding);
  if (encoding != head.end() &&
      !absl::EqualsIgnoreCase(
          absl::StripAsciiWhitespace(absl::string_view(
              encoding->value().data(), encoding->value().size())),
          "identity")) {
    return Refusal(415, absl::InvalidArgumentError(absl::StrCat(
                            "Content-Encoding '",
                            common::Echo(std::string(encoding->value())),
                            "' is not supported; send the body uncompressed")));
  }
  // Framing a client and a proxy could read differently (RFC 9112 6.1,
  // 6.3): a Transfer-Encoding whose last coding is not chunked, or one
  // beside a Content-Length.
  const auto transfer = head.find(beast_http::field::transfer_encoding);
  if (transfer != head.end() &&
      (!EndsInChunked(absl::string_view(transfer->value().data(),
                                        transfer->value().size())) ||
       length != head.end())) {
    return Refusal(400, absl::InvalidArgumentError(absl::StrCat(
                            "Transfer-Encoding '",
                            common::Echo(std::string(transfer->value())),
                            "' is not supported (only chunked, and never with "
                            "a Content-Length)")));
  }
  // HTTP/1.0 clients' expectations are ignored (RFC 9110 10.1.1).
  const auto expect = head.find(beast_http::field::expect);
  if (expect != head.end() && head.version() >= 11 && !ExpectsContinue(head)) {
    return Refusal(417,
                   absl::InvalidArgumentError(absl::StrCat(
                       "Expect '", common::Echo(std::string(expect->value())),
                       "' is not supported (only 100-continue)")));
  }
  return std::nullopt;
}

size_t BodyBytesToReserve(const RequestParser& parser,
                          const HttpLimits& limits) {
  if (parser.chunked()) return limits.max_body_bytes;
  const auto length = parser.content_length();
  return length.has_value() ? static_cast<size_t>(*length) : 0;
}

HttpResponse BodyBudgetRefusal(size_t budget) {
  return Refusal(503, absl::UnavailableError(absl::StrCat(
                          "the request bodies being read take the ", budget,
                          " bytes allowed (--memory_quota_bytes); retry")));
}

bool ExpectsContinue(const beast_http::request_header<>& head) {
  const auto expect = head.find(beast_http::field::expect);
  return head.version() >= 11 && expect != head.end() &&
         absl::EqualsIgnoreCase(
             absl::StripAsciiWhitespace(absl::string_view(
                 expect->value().data(), expect->value().size())),
             "100-continue");
}

HttpResponse FramingError(const boost::system::error_code& error,
                          const HttpLimits& limits) {
  if (error == beast_http::error::body_limit) {
    return Refusal(
        413, absl::ResourceExhaustedError(absl::StrCat(
                 "request body is over the limit of ", limits.max_body_bytes,
                 " bytes (--max_message_bytes)")));
  }
  if (error == beast_http::error::header_limit) {
    return Refusal(431, absl::InvalidArgumentError(
                            absl::StrCat("request head is over the limit of ",
                                         limits.max_header_bytes, " bytes")));
  }
  if (error == beast_http::error::partial_message) {
    return Refusal(400, absl::InvalidArgumentError(
                            "the request ended before its Content-Length (or "
                            "last chunk) was received"));
  }
  return Refusal(400, absl::InvalidArgumentError(absl::StrCat(
                          "malformed HTTP/1.1 request: ", error.message())));
}

absl::StatusOr<std::string> DecodePath(absl::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  std::string path;
  path.reserve(target.size());
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] != '%') {
      path.push_back(target[i]);
      continue;
    }
    const int high = i + 2 < target.size() ? HexDigit(target[i + 1]) : -1;
    const int low = i + 2 < target.size() ? HexDigit(target[i + 2]) : -1;
    if (high < 0 || low < 0 || (high == 0 && low == 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad percent escape in the path '", common::Echo(target), "'"));
    }
    path.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return path;
}

HttpResponse Answer(const WireRequest& request, const HttpHandler& handler) {
  const auto target = request.target();
  absl::StatusOr<std::string> path =
      DecodePath(absl::string_view(target.data(), target.size()));
  if (!path.ok()) return Refusal(400, path.status());
  if (request.method() == beast_http::verb::options) {
    const std::string allowed =
        *path == "*" ? std::string("GET, POST") : handler.AllowedMethods(*path);
    if (allowed.empty()) {
      return Refusal(404, absl::NotFoundError(absl::StrCat(
                              "no route for ", common::Echo(*path))));
    }
    HttpResponse response;
    response.status = 204;
    response.allow = WithHeadAndOptions(allowed);
    return response;
  }
  const auto method = request.method_string();
  const auto authorization = request[beast_http::field::authorization];
  HttpRequest call;
  call.method = request.method() == beast_http::verb::head
                    ? absl::string_view("GET")
                    : absl::string_view(method.data(), method.size());
  call.path = *path;
  call.body = request.body();
  call.authorization =
      absl::string_view(authorization.data(), authorization.size());
  HttpResponse response = handler.Handle(call);
  if (response.status == 405) {
    response.allow = WithHeadAndOptions(handler.AllowedMethods(*path));
  }
  return response;
}

WireResponse ToWire(HttpResponse response, unsigned version, bool keep_alive,
                    bool head_request) {
  WireResponse wire{static_cast<beast_http::status>(response.status), version};
  wire.set(beast_http::field::server, "regserve");
  if (!response.allow.empty()) {
    wire.set(beast_http::field::allow, response.allow);
  }
  if (response.status != 204) {
    wire.set(beast_http::field::content_type, response.content_type);
    wire.content_length(response.body.size());
    // HEAD: the length GET would send, and no body (RFC 9110 9.3.2).
    if (!head_request) wire.body() = std::move(response.body);
  }
  wire.keep_alive(keep_alive);
  return wire;
}

}  // namespace regserve::server::http
