// Load shedding through a real server: an overloaded queue refuses calls
// with RESOURCE_EXHAUSTED before any work and keeps health answering; a real
// burst is answered or shed, nothing else, and the service recovers.
#include <atomic>
#include <cmath>
#include <thread>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/server/http/http_test_client.h"
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

// A deadline that only bounds a hang.
std::chrono::system_clock::time_point HangDeadline() {
  return std::chrono::system_clock::now() +
         absl::ToChronoSeconds(kEventTimeout);
}

// With a target of 1 ns every sample of the queueing delay is above it, so
// once the first interval has passed shedding is certain, whatever the
// machine's load: this proves the wiring (refused before any work, with the
// flag named; health still answered). The rule itself, when delay counts as
// sustained, is tested on a fake clock in tests/server/grpc/.
TEST(LoadSheddingTest, OverloadedQueueRefusesCallsButAnswersHealth) {
  server::ServerOptions options = TestServerOptions();
  options.threads = 1;
  options.max_queue_delay = absl::Nanoseconds(1);
  options.metrics_port = server::ServerOptions::kAnyPort;
  auto server = StartTestServer(options);
  ASSERT_NE(server, nullptr);
  auto channel = Connect(server->port());
  auto stub = v1::PredictionService::NewStub(channel);
  auto predict = [&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(HangDeadline());
    v1::PredictResponse response;
    return stub->Predict(&ctx, SeedRequest(), &response);
  };
  // The event: the first full interval of samples has been seen.
  ASSERT_TRUE(WaitUntil([&] {
    return predict().error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
  }));
  for (int i = 0; i < 5; ++i) {
    const grpc::Status status = predict();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(status.error_message(),
                ::testing::HasSubstr("--max_queue_delay_ms"));
  }
  // Refused before any work: no row was predicted by a refused call.
  auto before = HttpGet(server->metrics_port(), "/metrics");
  ASSERT_TRUE(before.ok()) << before.status();
  const std::string rows =
      "regserve_rows_predicted_total{model=\"boston_housing\",version=\"1\"}";
  const double rows_before = ParseExposition(*before)[rows];
  EXPECT_EQ(predict().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto after = HttpGet(server->metrics_port(), "/metrics");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(ParseExposition(*after)[rows], rows_before);
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(HangDeadline());
  grpc::health::v1::HealthCheckResponse answer;
  ASSERT_TRUE(
      health->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &answer)
          .ok());
  EXPECT_EQ(answer.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// A real burst: 128 calls of 20,000 rows at once on one polling thread with
// a 10 ms target. How many are shed depends on the machine, so the test
// asserts only what must hold whatever the timing: every call is either
// answered correctly or shed with the documented message, and afterwards a
// client retrying with backoff (as RESOURCE_EXHAUSTED asks) gets through.
TEST(LoadSheddingTest, BurstIsAnsweredOrShedThenServiceRecovers) {
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
          ctx.set_deadline(HangDeadline());
          v1::BatchPredictResponse response;
          grpc::Status status = stub->BatchPredict(&ctx, big, &response);
          if (status.ok() && response.predictions_size() == 20000 &&
              std::abs(response.predictions(19999) - 30.00384338) < 1e-8) {
            ++ok;
          } else if (status.error_code() ==
                     grpc::StatusCode::RESOURCE_EXHAUSTED) {
            EXPECT_THAT(status.error_message(),
                        ::testing::HasSubstr("--max_queue_delay_ms"));
            ++shed;
          } else {
            ADD_FAILURE() << status.error_code() << ": "
                          << status.error_message();
            ++other;
          }
        });
      }
      for (auto& t : calls) t.join();
    });
  }
  for (auto& t : burst) t.join();
  std::cout << "burst of 128: " << ok << " answered, " << shed << " shed\n";
  EXPECT_EQ(ok.load() + shed.load(), 128);
  EXPECT_EQ(other.load(), 0);

  // Once the burst is over the server recovers by itself: a client that
  // retries with backoff (as RESOURCE_EXHAUSTED asks) is answered. How soon
  // depends on how busy the machine is (a starved polling thread is a
  // delayed queue, and is shed), so this waits for the event, bounded by
  // kEventTimeout overall; when refusals end exactly is tested on a fake
  // clock (LoadShedderTest.SustainedDelayRefusesUntilTheDelayFalls).
  auto stub = v1::PredictionService::NewStub(Connect(server->port()));
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  EXPECT_TRUE(WaitUntil([&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(HangDeadline());
    v1::PredictResponse response;
    code = stub->Predict(&ctx, SeedRequest(), &response).error_code();
    return code != grpc::StatusCode::RESOURCE_EXHAUSTED;
  }));
  EXPECT_EQ(code, grpc::StatusCode::OK);
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
      ctx.set_deadline(HangDeadline());
      v1::BatchPredictResponse response;
      if (stub->BatchPredict(&ctx, big, &response).ok()) ++ok;
    });
  }
  for (auto& t : calls) t.join();
  EXPECT_EQ(ok.load(), 32);
}

}  // namespace
}  // namespace regserve::testing
