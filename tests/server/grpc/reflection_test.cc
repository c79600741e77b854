// Server reflection lets grpcurl-style tools list, describe and call every
// service from descriptors fetched from the server alone.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/grpc/reflection_client.h"
#include "tests/server/test_server.h"

namespace regserve::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

TEST(ReflectionTest, ListsAndDescribesOurServiceAndHealth) {
  auto server = StartTestServer();
  ASSERT_NE(server, nullptr);
  ReflectionClient reflection(Connect(server->port()));
  auto services = reflection.ListServices();
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, Contains("regserve.v1.PredictionService"));
  EXPECT_THAT(*services, Contains("grpc.health.v1.Health"));

  ASSERT_TRUE(reflection.FetchSymbol("regserve.v1.PredictionService").ok());
  const auto* svc =
      reflection.pool().FindServiceByName("regserve.v1.PredictionService");
  ASSERT_NE(svc, nullptr);
  EXPECT_NE(svc->FindMethodByName("Predict"), nullptr);
  EXPECT_NE(svc->FindMethodByName("BatchPredict"), nullptr);
  EXPECT_NE(svc->FindMethodByName("GetModelMetadata"), nullptr);
  EXPECT_EQ(svc->FindMethodByName("Predict")->input_type()->full_name(),
            "regserve.v1.PredictRequest");

  ASSERT_TRUE(reflection.FetchSymbol("grpc.health.v1.Health").ok());
  const auto* health =
      reflection.pool().FindServiceByName("grpc.health.v1.Health");
  ASSERT_NE(health, nullptr);
  EXPECT_NE(health->FindMethodByName("Check"), nullptr);
  EXPECT_NE(health->FindMethodByName("Watch"), nullptr);
}

TEST(ReflectionTest, CallsPredictAndHealthFromJsonLikeGrpcurl) {
  auto server = StartTestServer();
  ASSERT_NE(server, nullptr);
  auto channel = Connect(server->port());
  ReflectionClient reflection(channel);
  auto json = CallUnaryFromJson(
      reflection, *channel, "regserve.v1.PredictionService", "Predict",
      R"({"features": {"CRIM": 0.00632, "ZN": 18, "INDUS": 2.31, "CHAS": 0,
          "NOX": 0.538, "RM": 6.575, "AGE": 65.2, "DIS": 4.09, "RAD": 1,
          "TAX": 296, "PTRATIO": 15.3, "B": 396.9, "LSTAT": 4.98}})");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"prediction\":30.0038433"));
  EXPECT_THAT(*json, HasSubstr("\"name\":\"boston_housing\""));
  auto health = CallUnaryFromJson(reflection, *channel, "grpc.health.v1.Health",
                                  "Check", "{}");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, R"({"status":"SERVING"})");
}

TEST(ReflectionTest, CanBeTurnedOff) {
  server::ServerOptions options = TestServerOptions();
  options.reflection = false;
  auto server = StartTestServer(options);
  ASSERT_NE(server, nullptr);
  ReflectionClient reflection(Connect(server->port()));
  EXPECT_EQ(reflection.ListServices().status().code(),
            absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace regserve::testing
