// Under a burst the server refuses what it cannot serve promptly with
// RESOURCE_EXHAUSTED, answers the rest correctly, keeps health answering,
// and serves normally once the burst ends.
#include <atomic>
#include <thread>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::testing {
namespace {

namespace v1 = ::regserve::v1;

v1::BatchPredictRequest Table(int rows) {
  v1::BatchPredictRequest request;
  for (const auto& name : BostonFeatureNames()) {
    request.mutable_table()->add_columns(name);
  }
  const auto row = BostonRow1();
  for (int r = 0; r < rows; ++r) {
    for (double v : row) request.mutable_table()->add_values(v);
  }
  return request;
}

TEST(LoadSheddingTest, BurstIsShedThenServiceRecovers) {
  server::ServerOptions options = TestServerOptions();
  options.threads = 1;
  options.max_queue_delay = absl::Milliseconds(10);
  auto server = StartTestServer(options);
  ASSERT_NE(server, nullptr);
  const v1::BatchPredictRequest big = Table(20000);
  std::atomic<int> ok{0}, shed{0}, other{0};
  std::vector<std::thread> burst;
  for (int c = 0; c < 4; ++c) {
    burst.emplace_back([&] {
      auto channel = Connect(server->port());
      auto stub = v1::PredictionService::NewStub(channel);
      std::vector<std::thread> calls;
      for (int i = 0; i < 32; ++i) {
        calls.emplace_back([&] {
          grpc::ClientContext ctx;
          v1::BatchPredictResponse response;
          grpc::Status status = stub->BatchPredict(&ctx, big, &response);
          if (status.ok() && response.predictions_size() == 20000) {
            ++ok;
          } else if (status.error_code() ==
                     grpc::StatusCode::RESOURCE_EXHAUSTED) {
            EXPECT_THAT(status.error_message(),
                        ::testing::HasSubstr("--max_queue_delay_ms"));
            ++shed;
          } else {
            ++other;
          }
        });
      }
      for (auto& t : calls) t.join();
    });
  }
  for (auto& t : burst) t.join();
  std::cout << "burst of 128: " << ok << " answered, " << shed << " shed\n";
  EXPECT_GT(ok.load(), 0);
  EXPECT_GT(shed.load(), 0);
  EXPECT_EQ(other.load(), 0);

  // Once the burst is over the server recovers by itself: a client retrying
  // with backoff (as RESOURCE_EXHAUSTED asks) gets through, then every call.
  auto stub = v1::PredictionService::NewStub(Connect(server->port()));
  auto predict = [&] {
    grpc::ClientContext ctx;
    v1::PredictResponse response;
    return stub->Predict(&ctx, SeedRequest(), &response).error_code();
  };
  int attempts = 1;
  while (predict() != grpc::StatusCode::OK && attempts < 100) {
    absl::SleepFor(absl::Milliseconds(10));
    ++attempts;
  }
  EXPECT_LT(attempts, 100);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(predict(), grpc::StatusCode::OK);
}

TEST(LoadSheddingTest, OffMeansEveryCallIsAnswered) {
  server::ServerOptions options = TestServerOptions();
  options.threads = 1;
  options.max_queue_delay = absl::ZeroDuration();
  auto server = StartTestServer(options);
  ASSERT_NE(server, nullptr);
  const v1::BatchPredictRequest big = Table(20000);
  auto stub = v1::PredictionService::NewStub(Connect(server->port()));
  std::atomic<int> ok{0};
  std::vector<std::thread> calls;
  for (int i = 0; i < 32; ++i) {
    calls.emplace_back([&] {
      grpc::ClientContext ctx;
      v1::BatchPredictResponse response;
      if (stub->BatchPredict(&ctx, big, &response).ok()) ++ok;
    });
  }
  for (auto& t : calls) t.join();
  EXPECT_EQ(ok.load(), 32);
}

}  // namespace
}  // namespace regserve::testing
