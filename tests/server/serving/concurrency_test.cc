// Many threads over several connections, every answer checked.
#include <atomic>
#include <thread>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "model/artifact.h"
#include "model/artifact_store.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

namespace v1 = ::regserve::v1;

TEST(ConcurrencyTest, SixteenThreadsTimesAThousandCallsAllCorrect) {
  constexpr int kThreads = 16, kCallsPerThread = 1000, kChannels = 4;
  auto server = testing::StartTestServer();
  ASSERT_NE(server, nullptr);
  const model::TrainingSet set = testing::BostonTrainingSet();
  auto core = *model::ModelFromArtifact(*model::ReadArtifactFile(
      testing::SourcePath("models/boston_housing/1/model.json")));
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < kChannels; ++c) {
    channels.push_back(testing::Connect(server->port()));
  }
  std::atomic<int> ok{0}, wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::PredictionService::NewStub(channels[t % kChannels]);
      for (int i = 0; i < kCallsPerThread; ++i) {
        const int r = (t * kCallsPerThread + i) % set.x.rows();
        v1::PredictRequest request;
        for (int j = 0; j < 13; ++j) {
          (*request.mutable_features())[set.feature_names[j]] = set.x(r, j);
        }
        grpc::ClientContext ctx;
        v1::PredictResponse response;
        if (!stub->Predict(&ctx, request, &response).ok()) {
          ++failed;
          continue;
        }
        const std::vector<double> row(set.x.row(r).begin(), set.x.row(r).end());
        (response.prediction() == core.Predict(row) ? ok : wrong)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(ok.load(), kThreads * kCallsPerThread);
}

}  // namespace
}  // namespace regserve::server
