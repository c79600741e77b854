// Bytes -> HTTP/1.1 framing as a gateway connection reads it: Beast's
// request parser with regserve's limits, what the head alone refuses
// (CheckHead), the answer to a complete request (Answer: HEAD, OPTIONS,
// Allow, the decoded path) from the real JSON gateway, and the wire answer
// (ToWire). Up to 8 pipelined requests per input; the connection ends as
// the listener ends it (after a refusal, a framing error, or without
// keep-alive). Every answer must be a known status whose body is JSON and
// whose Content-Length is its body's length.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "boost/asio/buffer.hpp"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_env.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/http/http_exchange.h"
#include "server/http/http_routes.h"

namespace {

namespace http = ::regserve::server::http;
namespace beast_http = ::boost::beast::http;

class GatewayHandler : public http::HttpHandler {
 public:
  explicit GatewayHandler(const http::JsonGateway* gateway)
      : gateway_(gateway) {}
  http::HttpResponse Handle(const http::HttpRequest& request) const override {
    return gateway_->Handle(request.method, request.path, request.body,
                            request.authorization);
  }
  std::string AllowedMethods(absl::string_view path) const override {
    return http::AllowedMethods(path);
  }

 private:
  const http::JsonGateway* gateway_;
};

bool IsJson(const std::string& body) {
  google::protobuf::Value value;
  return google::protobuf::util::JsonStringToMessage(body, &value).ok();
}

// Checks the answer and its wire form.
void Check(const http::HttpResponse& response, bool head_request) {
  const int s = response.status;
  FUZZ_CHECK(s == 200 || s == 204 || s == 400 || s == 401 || s == 404 ||
             s == 405 || s == 413 || s == 415 || s == 417 || s == 431 ||
             s == 503);
  FUZZ_CHECK(s == 204 ? response.body.empty() : IsJson(response.body));
  std::ostringstream out;
  out << http::ToWire(response, 11, false, head_request);
  const std::string wire = out.str();
  FUZZ_CHECK(wire.rfind(absl::StrCat("HTTP/1.1 ", s, " "), 0) == 0);
  const size_t end = wire.find("\r\n\r\n");
  FUZZ_CHECK(end != std::string::npos);
  if (s == 204) return;
  const std::string length_line =
      absl::StrCat("Content-Length: ", response.body.size(), "\r\n");
  FUZZ_CHECK(wire.find(length_line) < end);
  FUZZ_CHECK(wire.size() - end - 4 ==
             (head_request ? 0 : response.body.size()));
}

// Feeds `input` to `parser` until `done` holds, the input ends (then as
// the client closing its side) or an error. Consumes what was parsed.
template <typename Done>
boost::system::error_code Feed(absl::string_view* input,
                               http::RequestParser* parser, Done done) {
  boost::system::error_code error;
  while (!done()) {
    size_t used = 0;
    if (!input->empty()) {
      used = parser->put(
          boost::asio::const_buffer(input->data(), input->size()), error);
      input->remove_prefix(used);
      if (error && error != beast_http::error::need_more) return error;
    }
    if (used > 0) continue;
    // Nothing more can be parsed from what is left: the client's side ends.
    error = {};
    parser->put_eof(error);
    if (!error && !done()) error = beast_http::error::partial_message;
    return error;
  }
  return error;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const GatewayHandler handler(&regserve::fuzz::Env().gateway);
  http::HttpLimits limits;
  limits.max_body_bytes = 4096;
  limits.max_header_bytes = 2048;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  for (int message = 0; message < 8 && !input.empty(); ++message) {
    http::RequestParser parser;
    http::ConfigureParser(limits, &parser);
    auto error = Feed(&input, &parser, [&] { return parser.is_header_done(); });
    if (error == beast_http::error::end_of_stream) return 0;
    if (error) return Check(http::FramingError(error, limits), false), 0;
    const bool head = parser.get().method() == beast_http::verb::head;
    if (auto refusal = http::CheckHead(parser.get(), limits)) {
      return Check(*refusal, head), 0;
    }
    (void)http::ExpectsContinue(parser.get());
    error = Feed(&input, &parser, [&] { return parser.is_done(); });
    if (error) return Check(http::FramingError(error, limits), head), 0;
    Check(http::Answer(parser.get(), handler), head);
    if (!parser.get().keep_alive()) return 0;
  }
  return 0;
}
