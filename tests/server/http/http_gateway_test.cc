// The HTTP/1.1 JSON gateway through a real HTTP client (libcurl): every
// route, every error code, and a body over the limit.
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/server/http/http_test_client.h"
#include "tests/server/test_server.h"

namespace regserve::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kSeed[] = R"({"features": {"CRIM": 0.00632, "ZN": 18,
    "INDUS": 2.31, "CHAS": 0, "NOX": 0.538, "RM": 6.575, "AGE": 65.2,
    "DIS": 4.09, "RAD": 1, "TAX": 296, "PTRATIO": 15.3, "B": 396.9,
    "LSTAT": 4.98}})";

// The seed request with more fields, e.g. `, "explain": true`.
std::string SeedWith(const std::string& extra) {
  std::string body = kSeed;
  body.pop_back();
  return body + extra + "}";
}

class HttpGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerOptions options = TestServerOptions();
    options.http_port = server::ServerOptions::kAnyPort;
    options.metrics_port = server::ServerOptions::kAnyPort;
    options.max_message_bytes = 64 * 1024;
    options.max_batch_rows = 100;
    server_ = StartTestServer(options);
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(server_->http_port(), 0);
  }
  HttpResult Call(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    auto result = HttpCall(server_->http_port(), method, path, body);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : HttpResult{};
  }
  template <typename Message>
  Message Parse(const HttpResult& result) {
    Message message;
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(result.body, &message).ok())
        << result.body;
    return message;
  }
  void ExpectError(const HttpResult& r, long http, const std::string& status,
                   const std::string& message_part) {
    EXPECT_EQ(r.status, http) << r.body;
    EXPECT_THAT(r.body, HasSubstr("\"status\":\"" + status + "\"")) << r.body;
    EXPECT_THAT(r.body, HasSubstr(message_part)) << r.body;
  }
  std::unique_ptr<server::RegserveServer> server_;
};

TEST_F(HttpGatewayTest, PredictRoutesAnswerLikeGrpc) {
  HttpResult r = Call("POST", "/v1/models/boston_housing:predict", kSeed);
  ASSERT_EQ(r.status, 200) << r.body;
  auto response = Parse<regserve::v1::PredictResponse>(r);
  EXPECT_NEAR(response.prediction(), 30.00384338, 1e-8);
  EXPECT_EQ(response.model_spec().version(), 1);

  r = Call("POST", "/v1/models/boston_housing/versions/1:predict",
           SeedWith(R"(, "intervalLevel": 0.95, "explain": true)"));
  ASSERT_EQ(r.status, 200) << r.body;
  response = Parse<regserve::v1::PredictResponse>(r);
  EXPECT_NEAR(response.interval().lower(), 20.60172555, 1e-7);
  EXPECT_EQ(response.contributions_size(), 13);
}

TEST_F(HttpGatewayTest, BatchMetadataListAndProbes) {
  const std::string table = R"({"table": {"columns": ["CRIM","ZN","INDUS",
      "CHAS","NOX","RM","AGE","DIS","RAD","TAX","PTRATIO","B","LSTAT"],
      "values": [0.00632,18,2.31,0,0.538,6.575,65.2,4.09,1,296,15.3,396.9,4.98,
                 0.02731,0,7.07,0,0.469,6.421,78.9,4.9671,2,242,17.8,396.9,9.14]}})";
  HttpResult r = Call("POST", "/v1/models/boston_housing:batchPredict", table);
  ASSERT_EQ(r.status, 200) << r.body;
  auto batch = Parse<regserve::v1::BatchPredictResponse>(r);
  ASSERT_EQ(batch.predictions_size(), 2);
  EXPECT_NEAR(batch.predictions(0), 30.00384338, 1e-8);

  r = Call("GET", "/v1/models/boston_housing");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      Parse<regserve::v1::GetModelMetadataResponse>(r).feature_names_size(),
      13);
  r = Call("GET", "/v1/models");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Parse<regserve::v1::ListModelsResponse>(r).models(0).name(),
            "boston_housing");

  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Call("GET", "/readyz").status, 200);
  server_->BeginDrain();
  EXPECT_EQ(Call("GET", "/readyz").status, 503);
  EXPECT_EQ(Call("GET", "/healthz").status, 200);  // alive while draining
}

TEST_F(HttpGatewayTest, ErrorsMapToHttpCodesWithJsonBodies) {
  ExpectError(Call("POST", "/v1/models/boston_housing:predict",
                   R"({"features": {"CRIM": 1}})"),
              400, "INVALID_ARGUMENT", "missing features [ZN, INDUS");
  ExpectError(Call("POST", "/v1/models/houses:predict", kSeed), 404,
              "NOT_FOUND", "model 'houses' is not loaded");
  ExpectError(
      Call("POST", "/v1/models/boston_housing/versions/7:predict", kSeed), 404,
      "NOT_FOUND", "version 7");
  ExpectError(
      Call("POST", "/v1/models/boston_housing/versions/x:predict", kSeed), 400,
      "INVALID_ARGUMENT", "must be a positive integer");
  ExpectError(Call("POST", "/v1/models/boston_housing:predict", "{not json"),
              400, "INVALID_ARGUMENT", "not a valid PredictRequest");
  ExpectError(Call("POST", "/v1/models/boston_housing:predict",
                   SeedWith(R"(, "modelSpec": {"name": "other"})")),
              400, "INVALID_ARGUMENT", "contradicts the path");
  ExpectError(Call("GET", "/v1/models/boston_housing:predict"), 405,
              "UNIMPLEMENTED", "use POST");
  ExpectError(Call("GET", "/v2/nothing"), 404, "NOT_FOUND", "no route");
  ExpectError(Call("POST", "/v1/models/boston_housing:explode", kSeed), 404,
              "NOT_FOUND", "unknown method");
  std::string many = R"({"table": {"columns": ["CRIM"], "values": [)";
  for (int i = 0; i < 101; ++i) many += (i ? ",1" : "1");
  many += "]}}";
  ExpectError(Call("POST", "/v1/models/boston_housing:batchPredict", many), 400,
              "INVALID_ARGUMENT", "limit of 100");
  // The error body is a JSON object with the gRPC code number.
  EXPECT_THAT(Call("POST", "/v1/models/houses:predict", kSeed).body,
              HasSubstr("\"code\":5"));
}

TEST_F(HttpGatewayTest, BodyOverTheLimitIs413AndTheServerKeepsServing) {
  std::string huge = R"({"table": {"columns": ["CRIM"], "values": [)";
  while (huge.size() < 70 * 1024) huge += "1.0,";
  huge += "1]}}";
  ExpectError(Call("POST", "/v1/models/boston_housing:batchPredict", huge), 413,
              "RESOURCE_EXHAUSTED", "over the limit of 65536 bytes");
  EXPECT_EQ(Call("POST", "/v1/models/boston_housing:predict", kSeed).status,
            200);
  auto metrics = ParseExposition(*HttpGet(server_->metrics_port(), "/metrics"));
  EXPECT_EQ(
      metrics["regserve_http_requests_total{code=\"413\",route=\"none\"}"], 1);
  EXPECT_EQ(
      metrics["regserve_http_requests_total{code=\"200\",route=\"predict\"}"],
      1);
  // Predictions over HTTP count in the same rows metric as gRPC ones.
  EXPECT_EQ(metrics["regserve_rows_predicted_total{model=\"boston_housing\","
                    "version=\"1\"}"],
            1);
}

// Issue 16, item 2: `"RM": null` was answered 200, computed with RM = 0
// (protobuf's JSON parser turns null into the default). A null anywhere is
// a 400 naming its path; the gateway never accepts what gRPC would refuse.
TEST_F(HttpGatewayTest, NullIsNeverAValue) {
  std::string body = kSeed;
  body.replace(body.find("6.575"), 5, "null");
  HttpResult r = Call("POST", "/v1/models/boston_housing:predict", body);
  ExpectError(r, 400, "INVALID_ARGUMENT", "features.RM is null");
  r = Call(
      "POST", "/v1/models/boston_housing:batchPredict",
      R"({"rows": [{"features": {"CRIM": 1}}, {"features": {"B": null}}]})");
  ExpectError(r, 400, "INVALID_ARGUMENT", "rows[1].features.B is null");
  r = Call("POST", "/v1/models/boston_housing:batchPredict",
           R"({"table": {"columns": ["CRIM"], "values": [1, null]}})");
  ExpectError(r, 400, "INVALID_ARGUMENT", "table.values[1] is null");
  r = Call("POST", "/v1/models/boston_housing:predict",
           SeedWith(R"(, "intervalLevel": null)"));
  ExpectError(r, 400, "INVALID_ARGUMENT", "intervalLevel is null");
  // "null" inside a string is not a null.
  r = Call("POST", "/v1/models/boston_housing:predict",
           SeedWith(R"(, "modelSpec": {"versionLabel": "nullable"})"));
  ExpectError(r, 404, "NOT_FOUND", "label 'nullable'");
}

// Issue 16, item 3: answers stated what was never computed ("baseline":0,
// "contributions":{} without explain, "versionLabel":""). Only what was
// computed or asked for is printed; a prediction of exactly 0 still is.
TEST_F(HttpGatewayTest, AnswersStateOnlyWhatWasComputed) {
  HttpResult r = Call("POST", "/v1/models/boston_housing:predict", kSeed);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("\"prediction\":30.00384"));
  for (const char* absent :
       {"baseline", "contributions", "versionLabel", "interval"}) {
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr(absent))) << absent;
  }
  r = Call("POST", "/v1/models/boston_housing:predict",
           SeedWith(R"(, "explain": true, "intervalLevel": 0.9)"));
  ASSERT_EQ(r.status, 200) << r.body;
  for (const char* present : {"baseline", "contributions", "interval"}) {
    EXPECT_THAT(r.body, HasSubstr(present)) << present;
  }
  r = Call("POST", "/v1/models/boston_housing:batchPredict",
           R"({"rows": [{"features": )" + std::string(kSeed).substr(13) + "]}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("intervals")));
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("versionLabel")));
}

}  // namespace
}  // namespace regserve::testing
