// Hot reload under load through a real server: new versions go live within
// a poll period, broken ones never do, removal rolls back, labels move
// atomically, and not one call fails or is answered by the wrong version.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "server/repository/version_loader.h"
#include "tests/server/http/http_test_client.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::testing {
namespace {

namespace fs = std::filesystem;
namespace v1 = ::regserve::v1;

class ModelLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PublishVersion(1, 10);
    WriteConfig(1);
    server::ServerOptions options = TestServerOptions();
    options.model_repository = repo_.path();
    options.default_model = "tiny";
    options.model_config = config_;
    options.model_poll_interval = kPoll;
    options.metrics_port = server::ServerOptions::kAnyPort;
    server_ = StartTestServer(options);
    ASSERT_NE(server_, nullptr);
    channel_ = Connect(server_->port());
  }

  void PublishVersion(int64_t version, double intercept) {
    const std::string path =
        PublishTinyModel(repo_.path(), "tiny", version, intercept, 2, 3);
    auto served = server::LoadVersion(repo_.path(), "tiny", version, nullptr);
    absl::MutexLock lock(&mu_);
    expected_[version] = served.ok() ? (*served)->model.Predict({1.0, 1.0}) : 0;
  }
  void WriteConfig(int64_t stable) {
    // Written aside and renamed, as a config-management tool would.
    std::ofstream(config_ + ".tmp")
        << "models { name: \"tiny\" version_labels { key: \"stable\" value: "
        << stable << " } }";
    fs::rename(config_ + ".tmp", config_);
  }

  // Checks one answer: its version must be known and its value that
  // version's prediction for a = b = 1.
  void Check(int64_t version, double prediction)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = expected_.find(version);
    if (it == expected_.end() || it->second != prediction) ++wrong_;
  }

  void Client(int kind) {
    auto stub = v1::PredictionService::NewStub(Connect(server_->port()));
    while (!stop_.load()) {
      grpc::ClientContext ctx;
      grpc::Status status;
      if (kind == 0 || kind == 2) {
        v1::PredictRequest request;
        (*request.mutable_features())["a"] = 1;
        (*request.mutable_features())["b"] = 1;
        if (kind == 2)
          request.mutable_model_spec()->set_version_label("stable");
        v1::PredictResponse response;
        status = stub->Predict(&ctx, request, &response);
        if (status.ok()) {
          absl::MutexLock lock(&mu_);
          (kind == 2 ? label_answers_ : answers_)
              .push_back(
                  {response.model_spec().version(), response.prediction()});
        }
      } else {
        v1::BatchPredictRequest request;
        request.mutable_table()->add_columns("a");
        request.mutable_table()->add_columns("b");
        for (int r = 0; r < 20; ++r) {
          request.mutable_table()->add_values(1);
          request.mutable_table()->add_values(1);
        }
        v1::BatchPredictResponse response;
        status = stub->BatchPredict(&ctx, request, &response);
        if (status.ok()) {
          absl::MutexLock lock(&mu_);
          for (double p : response.predictions()) {
            answers_.push_back({response.model_spec().version(), p});
          }
        }
      }
      if (!status.ok()) ++failed_;
    }
  }

  // Waits until `done` holds over the answers so far; false only if it did
  // not within kEventTimeout (a hang). Prints how long it took.
  bool WaitFor(const char* what, std::function<bool()> done) {
    const absl::Time start = absl::Now();
    const bool held = WaitUntil([&] {
      absl::MutexLock lock(&mu_);
      return done();
    });
    std::cout << what << ": " << (held ? "" : "NOT ") << "seen after "
              << absl::Now() - start << "\n";
    return held;
  }
  int64_t LastVersion(const std::vector<std::pair<int64_t, double>>& answers)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return answers.empty() ? 0 : answers.back().first;
  }
  v1::VersionState StateOf(int64_t version) {
    auto stub = v1::PredictionService::NewStub(channel_);
    grpc::ClientContext ctx;
    v1::ListModelsResponse list;
    EXPECT_TRUE(stub->ListModels(&ctx, v1::ListModelsRequest(), &list).ok());
    for (const auto& v : list.models(0).versions()) {
      if (v.version() == version) return v.state();
    }
    return v1::VERSION_STATE_UNSPECIFIED;
  }

  static constexpr absl::Duration kPoll = absl::Milliseconds(100);
  TempDir repo_;
  TempDir config_dir_;
  const std::string config_ = config_dir_.path() + "/models.pbtxt";
  std::unique_ptr<server::RegserveServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  absl::Mutex mu_;
  std::map<int64_t, double> expected_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<int64_t, double>> answers_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<int64_t, double>> label_answers_ ABSL_GUARDED_BY(mu_);
  int wrong_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> failed_{0};
};

TEST_F(ModelLifecycleTest, ReloadUnderLoadFailsNoCall) {
  std::vector<std::thread> clients;
  for (int kind : {0, 0, 1, 1, 2}) {
    clients.emplace_back([this, kind] { Client(kind); });
  }
  auto last = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return LastVersion(answers_);
  };
  ASSERT_TRUE(WaitFor("version 1 served", [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                                              mu_) { return last() == 1; }));

  // A new version goes live once a poll sees it. How long that takes is
  // printed, not asserted: it is a figure of the machine's load.
  PublishVersion(2, 20);
  EXPECT_TRUE(WaitFor(
      "version 2 served after publishing",
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return last() == 2; }));

  // A corrupt version 3 never serves; version 2 keeps answering.
  fs::create_directories(repo_.path() + "/tiny/.tmp3");
  std::ofstream(repo_.path() + "/tiny/.tmp3/model.json") << "{\"format_vers";
  fs::rename(repo_.path() + "/tiny/.tmp3", repo_.path() + "/tiny/3");
  EXPECT_TRUE(
      WaitUntil([&] { return StateOf(3) == v1::VERSION_STATE_FAILED; }));
  EXPECT_EQ(StateOf(2), v1::VERSION_STATE_AVAILABLE);

  // Removing version 2 rolls back to version 1 (kept loaded by its label).
  fs::remove_all(repo_.path() + "/tiny/2");
  EXPECT_TRUE(WaitFor(
      "rolled back to version 1",
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return last() == 1; }));

  // Moving the label moves label callers atomically.
  PublishVersion(4, 40);
  EXPECT_TRUE(WaitFor("version 4 served", [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                                              mu_) { return last() == 4; }));
  WriteConfig(4);
  EXPECT_TRUE(WaitFor("label moved to version 4",
                      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
                        return LastVersion(label_answers_) == 4;
                      }));

  stop_ = true;
  for (auto& c : clients) c.join();
  absl::MutexLock lock(&mu_);
  for (const auto& [version, prediction] : answers_) Check(version, prediction);
  for (const auto& [version, prediction] : label_answers_) {
    Check(version, prediction);
  }
  EXPECT_EQ(failed_.load(), 0);
  EXPECT_EQ(wrong_, 0);
  // Label callers saw only version 1, then only version 4.
  bool moved = false;
  for (const auto& [version, unused] : label_answers_) {
    if (version == 4) moved = true;
    EXPECT_EQ(version, moved ? 4 : 1);
  }
  auto scraped = HttpGet(server_->metrics_port(), "/metrics");
  ASSERT_TRUE(scraped.ok());
  auto m = ParseExposition(*scraped);
  EXPECT_EQ(m["regserve_model_loads_total{model=\"tiny\",result=\"failed\"}"],
            1);
  EXPECT_EQ(m["regserve_model_loaded{model=\"tiny\",version=\"4\"}"], 1);
  EXPECT_FALSE(
      m.contains("regserve_model_loaded{model=\"tiny\",version=\"2\"}"));
}

}  // namespace
}  // namespace regserve::testing
