#include "server/http/http_routes.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "server/http/http_errors.h"

namespace regserve::server::http {
namespace {

TEST(HttpRoutesTest, MatchesEveryRoute) {
  auto r = MatchRoute("POST", "/v1/models/boston:predict");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, RouteKind::kPredict);
  EXPECT_EQ(r->model, "boston");
  EXPECT_EQ(r->version, 0);
  r = MatchRoute("POST", "/v1/models/boston/versions/3:batchPredict");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, RouteKind::kBatchPredict);
  EXPECT_EQ(r->version, 3);
  EXPECT_EQ(MatchRoute("GET", "/v1/models/boston")->kind, RouteKind::kMetadata);
  EXPECT_EQ(MatchRoute("GET", "/v1/models/boston/versions/2")->version, 2);
  EXPECT_EQ(MatchRoute("GET", "/v1/models")->kind, RouteKind::kListModels);
  EXPECT_EQ(MatchRoute("GET", "/healthz")->kind, RouteKind::kHealthz);
  EXPECT_EQ(MatchRoute("GET", "/readyz")->kind, RouteKind::kReadyz);
}

TEST(HttpRoutesTest, RejectsWithTheRightCode) {
  EXPECT_EQ(MatchRoute("GET", "/v1/models/b:predict").status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(MatchRoute("POST", "/v1/models/b").status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(MatchRoute("GET", "/nope").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/v1/models/b/extra").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      MatchRoute("POST", "/v1/models/b/versions/0:predict").status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MatchRoute("POST", "/v1/models/:predict").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(HttpErrorsTest, GoogleApiMapping) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(ErrorJson(absl::NotFoundError("say \"hi\"")),
            R"({"code":5,"status":"NOT_FOUND","message":"say \"hi\""})");
}

// Regression (fuzz_http_json, fuzz/regressions/): a message quoting bytes
// that are not UTF-8 still yields valid JSON.
TEST(HttpErrorsTest, InvalidUtf8InMessagesIsReplaced) {
  const std::string body =
      ErrorJson(absl::InvalidArgumentError("bad body \xc0\xba here"));
  EXPECT_EQ(
      body,
      R"({"code":3,"status":"INVALID_ARGUMENT","message":"bad body ?? here"})");
  EXPECT_EQ(
      ErrorJson(absl::NotFoundError("caf\xc3\xa9")),
      "{\"code\":5,\"status\":\"NOT_FOUND\",\"message\":\"caf\xc3\xa9\"}");
}

// Issue 16, item 12: errors echo at most 64 characters of the caller's
// path, method or verb, however long they are.
TEST(HttpRoutesTest, EchoesOfThePathAreCapped) {
  const std::string longest(8000, 'p');
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{
           {"GET", "/" + longest},
           {"GET", "/v1/models/m/versions/" + longest},
           {"POST", "/v1/models/m:" + longest},
           {longest, "/v1/models/m:predict"}}) {
    const absl::Status status = MatchRoute(method, path).status();
    EXPECT_FALSE(status.ok());
    EXPECT_LT(status.message().size(), 400u) << status.message().substr(0, 300);
  }
}

}  // namespace
}  // namespace regserve::server::http
