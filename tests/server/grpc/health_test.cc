// The standard health service follows the server's lifecycle.
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// A deadline that only bounds a hang: no call or stream here may block
// forever, whatever the server does wrong.
std::chrono::system_clock::time_point HangDeadline() {
  return std::chrono::system_clock::now() +
         absl::ToChronoSeconds(testing::kEventTimeout);
}

HealthCheckResponse::ServingStatus Check(Health::Stub& stub,
                                         const std::string& service) {
  grpc::ClientContext ctx;
  ctx.set_deadline(HangDeadline());
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = stub.Check(&ctx, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.status();
}

TEST(HealthTest, ServingThenNotServingWhileDrainingThenGone) {
  auto server = testing::StartTestServer();
  ASSERT_NE(server, nullptr);
  auto channel = testing::Connect(server->port());
  auto health = Health::NewStub(channel);
  auto predictions = regserve::v1::PredictionService::NewStub(channel);
  EXPECT_EQ(Check(*health, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(*health, "regserve.v1.PredictionService"),
            HealthCheckResponse::SERVING);

  server->BeginDrain();
  EXPECT_EQ(Check(*health, ""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(*health, "regserve.v1.PredictionService"),
            HealthCheckResponse::NOT_SERVING);
  {  // Draining still answers calls.
    grpc::ClientContext ctx;
    ctx.set_deadline(HangDeadline());
    regserve::v1::PredictResponse response;
    EXPECT_TRUE(
        predictions->Predict(&ctx, testing::SeedRequest(), &response).ok());
  }

  server->Shutdown();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  regserve::v1::PredictResponse response;
  EXPECT_EQ(predictions->Predict(&ctx, testing::SeedRequest(), &response)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST(HealthTest, WatchStreamsChangesAndEndsAtShutdown) {
  auto server = testing::StartTestServer();
  ASSERT_NE(server, nullptr);
  auto health = Health::NewStub(testing::Connect(server->port()));
  grpc::ClientContext ctx;
  ctx.set_deadline(HangDeadline());
  HealthCheckRequest request;
  request.set_service("regserve.v1.PredictionService");
  auto stream = health->Watch(&ctx, request);
  HealthCheckResponse update;
  ASSERT_TRUE(stream->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::SERVING);
  server->BeginDrain();
  ASSERT_TRUE(stream->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);
  // Shutdown ends the stream instead of waiting out the grace period.
  std::thread stopper([&] { server->Shutdown(); });
  while (stream->Read(&update)) {
  }
  EXPECT_TRUE(stream->Finish().ok());
  stopper.join();
}

TEST(HealthTest, WatchOfUnknownServiceSaysSoAndCancelsCleanly) {
  auto server = testing::StartTestServer();
  ASSERT_NE(server, nullptr);
  auto health = Health::NewStub(testing::Connect(server->port()));
  for (int i = 0; i < 20; ++i) {  // watchers that go away are freed
    grpc::ClientContext ctx;
    ctx.set_deadline(HangDeadline());
    HealthCheckRequest request;
    request.set_service("no.such.Service");
    auto stream = health->Watch(&ctx, request);
    HealthCheckResponse update;
    ASSERT_TRUE(stream->Read(&update));
    EXPECT_EQ(update.status(), HealthCheckResponse::SERVICE_UNKNOWN);
    ctx.TryCancel();
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  EXPECT_EQ(Check(*health, ""), HealthCheckResponse::SERVING);
}

TEST(HealthTest, UnknownServiceIsNotFound) {
  auto server = testing::StartTestServer();
  ASSERT_NE(server, nullptr);
  auto health = Health::NewStub(testing::Connect(server->port()));
  grpc::ClientContext ctx;
  ctx.set_deadline(HangDeadline());
  HealthCheckRequest request;
  request.set_service("no.such.Service");
  HealthCheckResponse response;
  EXPECT_EQ(health->Check(&ctx, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace regserve::server
