// The socket-free HTTP/1.1 decisions: what a head alone refuses, paths,
// HEAD and OPTIONS, and the wire answer.
#include "server/http/http_exchange.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace regserve::server::http {
namespace {

using ::testing::HasSubstr;

// Answers with what it was asked, so tests can see what reached it.
class EchoHandler : public HttpHandler {
 public:
  HttpResponse Handle(const HttpRequest& request) const override {
    if (request.path == "/only-get" && request.method != "GET") {
      return JsonResponse(405, "{}");
    }
    return JsonResponse(200, std::string(request.method) + " " +
                                 std::string(request.path) + " " +
                                 std::string(request.authorization));
  }
  std::string AllowedMethods(absl::string_view path) const override {
    return path == "/only-get" ? "GET" : "";
  }
};

WireRequest Request(beast_http::verb verb, const std::string& target) {
  WireRequest request{verb, target, 11};
  request.set(beast_http::field::authorization, "Bearer k");
  return request;
}

TEST(HttpExchangeTest, HeadAloneRefusesOversizeEncodingsAndExpectations) {
  HttpLimits limits;
  limits.max_body_bytes = 100;
  beast_http::request_header<> head;
  head.set(beast_http::field::content_length, "101");
  ASSERT_TRUE(CheckHead(head, limits).has_value());
  EXPECT_EQ(CheckHead(head, limits)->status, 413);
  head.set(beast_http::field::content_length, "100");
  EXPECT_FALSE(CheckHead(head, limits).has_value());
  head.set(beast_http::field::content_encoding, "gzip");
  EXPECT_EQ(CheckHead(head, limits)->status, 415);
  head.set(beast_http::field::content_encoding, " Identity ");
  EXPECT_FALSE(CheckHead(head, limits).has_value());
  head.set(beast_http::field::expect, "something-else");
  EXPECT_EQ(CheckHead(head, limits)->status, 417);
  head.version(10);  // HTTP/1.0 expectations are ignored
  EXPECT_FALSE(CheckHead(head, limits).has_value());
  head.version(11);
  head.set(beast_http::field::expect, "100-Continue");
  EXPECT_FALSE(CheckHead(head, limits).has_value());
  EXPECT_TRUE(ExpectsContinue(head));
  head.version(10);
  EXPECT_FALSE(ExpectsContinue(head));
}

TEST(HttpExchangeTest, FramingTwoReadersCouldDisagreeOnIs400) {
  const HttpLimits limits;
  beast_http::request_header<> head;
  head.version(11);
  head.set(beast_http::field::transfer_encoding, "chunked");
  EXPECT_FALSE(CheckHead(head, limits).has_value());
  head.set(beast_http::field::content_length, "5");
  EXPECT_EQ(CheckHead(head, limits)->status, 400);
  head.erase(beast_http::field::content_length);
  head.set(beast_http::field::transfer_encoding, "chunked, gzip");
  EXPECT_EQ(CheckHead(head, limits)->status, 400);
}

TEST(HttpExchangeTest, PathsAreDecodedWithoutTheirQuery) {
  EXPECT_EQ(*DecodePath("/v1/models/a%3Apredict?x=1#f"),
            "/v1/models/a:predict");
  EXPECT_FALSE(DecodePath("/bad%2").ok());
  EXPECT_FALSE(DecodePath("/bad%zz").ok());
  EXPECT_FALSE(DecodePath("/nul%00").ok());
}

TEST(HttpExchangeTest, HeadIsGetAndOptionsAndAllowComeFromTheHandler) {
  const EchoHandler handler;
  EXPECT_EQ(Answer(Request(beast_http::verb::head, "/x?q"), handler).body,
            "GET /x Bearer k");
  const HttpResponse options =
      Answer(Request(beast_http::verb::options, "/only-get"), handler);
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.allow, "GET, HEAD, OPTIONS");
  EXPECT_EQ(Answer(Request(beast_http::verb::options, "/none"), handler).status,
            404);
  const HttpResponse wrong =
      Answer(Request(beast_http::verb::post, "/only-get"), handler);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allow, "GET, HEAD, OPTIONS");
  EXPECT_EQ(Answer(Request(beast_http::verb::get, "/a%zz"), handler).status,
            400);
}

TEST(HttpExchangeTest, HeadAnswersCarryTheLengthButNoBody) {
  std::ostringstream head_wire, get_wire;
  head_wire << ToWire(JsonResponse(200, "12345"), 11, true, true);
  get_wire << ToWire(JsonResponse(200, "12345"), 11, false, false);
  EXPECT_THAT(head_wire.str(), HasSubstr("Content-Length: 5\r\n"));
  EXPECT_EQ(head_wire.str().substr(head_wire.str().size() - 4), "\r\n\r\n");
  EXPECT_THAT(get_wire.str(), HasSubstr("Connection: close\r\n"));
  EXPECT_EQ(get_wire.str().substr(get_wire.str().size() - 5), "12345");
}

TEST(HttpExchangeTest, FramingErrorsNameTheirCause) {
  const HttpLimits limits;
  EXPECT_EQ(FramingError(beast_http::error::body_limit, limits).status, 413);
  EXPECT_EQ(FramingError(beast_http::error::header_limit, limits).status, 431);
  const HttpResponse short_body =
      FramingError(beast_http::error::partial_message, limits);
  EXPECT_EQ(short_body.status, 400);
  EXPECT_THAT(short_body.body, HasSubstr("Content-Length"));
  EXPECT_EQ(FramingError(beast_http::error::bad_method, limits).status, 400);
}

}  // namespace
}  // namespace regserve::server::http
