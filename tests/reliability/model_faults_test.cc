// Model repository faults while clients call continuously: the repository
// renamed away and back, deleted outright, replaced by a file, unreadable;
// and broken versions (truncated, empty, half-copied, a directory for a
// model.json, dangling symlinks, junk names, the serving file corrupted in
// place). Not one call may fail, and every answer must come from the last
// good version. (tests/server/model_lifecycle_test.cc covers publishing,
// a corrupt version, rollback and labels under load; this does not repeat
// it.)
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "server/repository/version_loader.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::testing {
namespace {

namespace fs = std::filesystem;
namespace v1 = ::regserve::v1;

constexpr absl::Duration kPoll = absl::Milliseconds(50);
// How many of the server's own repository passes a fault must survive.
constexpr int kSeveralPolls = 3;
// Calls clients must complete meanwhile.
constexpr int kCallsMeanwhile = 10;

class ModelFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = root_.path() + "/repo";
    fs::create_directories(repo_);
    Publish(repo_, 1, 10);
    server::ServerOptions options = TestServerOptions();
    options.model_repository = repo_;
    options.default_model = "tiny";
    options.model_poll_interval = kPoll;
    server_ = StartTestServer(options);
    ASSERT_NE(server_, nullptr);
    channel_ = Connect(server_->port());
    for (int kind : {0, 0, 1}) {
      clients_.emplace_back([this, kind] { Client(kind); });
    }
    ASSERT_TRUE(WaitForVersion(1));
  }

  void TearDown() override {
    StopClients();
    if (server_ != nullptr) server_->Shutdown();
  }

  // Publishes tiny/`version` (y = intercept + 2a + 3b) the way
  // regserve-train does, and records what it answers for a = b = 1.
  void Publish(const std::string& repository, int64_t version,
               double intercept) {
    PublishTinyModel(repository, "tiny", version, intercept, 2, 3);
    auto loaded = server::LoadVersion(repository, "tiny", version, nullptr);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    absl::MutexLock lock(&mu_);
    expected_[version] = (*loaded)->model.Predict({1.0, 1.0});
  }

  // The text of a valid artifact for tiny/`version`, made aside.
  std::string ArtifactText(int64_t version, double intercept) {
    TempDir aside;
    const std::string path =
        PublishTinyModel(aside.path(), "tiny", version, intercept, 2, 3);
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // What tiny/`version` with `intercept` answers for a = b = 1.
  double AsidePrediction(int64_t version, double intercept) {
    TempDir aside;
    PublishTinyModel(aside.path(), "tiny", version, intercept, 2, 3);
    auto loaded = server::LoadVersion(aside.path(), "tiny", version, nullptr);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? (*loaded)->model.Predict({1.0, 1.0}) : 0;
  }

  std::string VersionDir(int64_t version) {
    return repo_ + "/tiny/" + std::to_string(version);
  }

  void Client(int kind) {
    auto stub = v1::PredictionService::NewStub(Connect(server_->port()));
    while (!stop_.load()) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoSeconds(kEventTimeout));
      grpc::Status status;
      int64_t version = 0;
      std::vector<double> predictions;
      if (kind == 0) {
        v1::PredictRequest request;
        (*request.mutable_features())["a"] = 1;
        (*request.mutable_features())["b"] = 1;
        v1::PredictResponse response;
        status = stub->Predict(&ctx, request, &response);
        version = response.model_spec().version();
        predictions.push_back(response.prediction());
      } else {
        v1::BatchPredictRequest request;
        request.mutable_table()->add_columns("a");
        request.mutable_table()->add_columns("b");
        for (int r = 0; r < 50; ++r) {
          request.mutable_table()->add_values(1);
          request.mutable_table()->add_values(1);
        }
        v1::BatchPredictResponse response;
        status = stub->BatchPredict(&ctx, request, &response);
        version = response.model_spec().version();
        predictions.assign(response.predictions().begin(),
                           response.predictions().end());
      }
      absl::MutexLock lock(&mu_);
      ++calls_;
      if (!status.ok()) {
        if (failures_.size() < 10) {
          failures_.push_back(status.error_message());
        }
        ++failed_;
        continue;
      }
      last_version_ = version;
      auto it = expected_.find(version);
      for (double p : predictions) {
        if (it == expected_.end() || it->second != p) ++wrong_;
      }
    }
  }

  void StopClients() {
    stop_ = true;
    for (auto& c : clients_) c.join();
    clients_.clear();
  }

  // Waits until clients are answered by `version`; false only after
  // kEventTimeout (a hang).
  bool WaitForVersion(int64_t version) {
    return WaitUntil([&] {
      absl::MutexLock lock(&mu_);
      return last_version_ == version && calls_ > 0;
    });
  }

  // Waits until the server has looked at the repository kSeveralPolls more
  // times and clients have completed kCallsMeanwhile more calls (events,
  // not a span of time), then checks that `version` still answers and
  // health stays SERVING.
  void ExpectStillServes(int64_t version) {
    int64_t calls_before;
    {
      absl::MutexLock lock(&mu_);
      calls_before = calls_;
    }
    server::ModelManager& manager = server_->manager();
    ASSERT_TRUE(manager.AwaitPasses(manager.completed_passes() + kSeveralPolls,
                                    kEventTimeout))
        << "the server stopped polling its repository";
    ASSERT_TRUE(WaitUntil([&] {
      absl::MutexLock lock(&mu_);
      return calls_ >= calls_before + kCallsMeanwhile;
    })) << "clients stalled";
    absl::MutexLock lock(&mu_);
    EXPECT_EQ(last_version_, version);
    EXPECT_EQ(failed_, 0) << (failures_.empty() ? "" : failures_.front());
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoSeconds(kEventTimeout));
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(
        health->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &response)
            .ok());
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING);
  }

  v1::VersionState StateOf(int64_t version) {
    auto stub = v1::PredictionService::NewStub(channel_);
    grpc::ClientContext ctx;
    v1::ListModelsResponse list;
    EXPECT_TRUE(stub->ListModels(&ctx, v1::ListModelsRequest(), &list).ok());
    for (const auto& m : list.models()) {
      for (const auto& v : m.versions()) {
        if (m.name() == "tiny" && v.version() == version) return v.state();
      }
    }
    return v1::VERSION_STATE_UNSPECIFIED;
  }

  // Stops the clients and checks the whole run: no failure, no wrong answer.
  void ExpectNoFailedCall() {
    StopClients();
    absl::MutexLock lock(&mu_);
    EXPECT_EQ(failed_, 0) << "first failure: "
                          << (failures_.empty() ? "" : failures_.front());
    EXPECT_EQ(wrong_, 0);
    std::cout << calls_ << " calls, " << failed_ << " failed\n";
  }

  TempDir root_;
  std::string repo_;
  std::unique_ptr<server::RegserveServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::vector<std::thread> clients_;
  std::atomic<bool> stop_{false};
  absl::Mutex mu_;
  std::map<int64_t, double> expected_ ABSL_GUARDED_BY(mu_);
  int64_t last_version_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t calls_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t failed_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t wrong_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> failures_ ABSL_GUARDED_BY(mu_);
};

TEST_F(ModelFaultsTest, RepositoryRenamedAwayAndBack) {
  const std::string away = root_.path() + "/repo.away";
  fs::rename(repo_, away);
  ExpectStillServes(1);
  EXPECT_EQ(StateOf(1), v1::VERSION_STATE_AVAILABLE);
  // Updated while away: the new version serves once it is back.
  Publish(away, 2, 20);
  ExpectStillServes(1);
  fs::rename(away, repo_);
  EXPECT_TRUE(WaitForVersion(2));
  ExpectNoFailedCall();
}

TEST_F(ModelFaultsTest, RepositoryDeletedThenRestored) {
  // Deleted as one directory entry (a volume unmounted, a directory
  // renamed into the trash): see RecursiveDelete below for rm -rf.
  const std::string trash = root_.path() + "/trash";
  fs::rename(repo_, trash);
  fs::remove_all(trash);
  ExpectStillServes(1);
  EXPECT_EQ(StateOf(1), v1::VERSION_STATE_AVAILABLE);
  // A regular file where the repository was.
  std::ofstream(repo_) << "not a directory";
  ExpectStillServes(1);
  fs::remove(repo_);
  ExpectStillServes(1);
  // Restored in one rename, with a newer version.
  const std::string restored = root_.path() + "/restored";
  fs::create_directories(restored);
  Publish(restored, 1, 10);
  Publish(restored, 3, 30);
  fs::rename(restored, repo_);
  EXPECT_TRUE(WaitForVersion(3));
  ExpectNoFailedCall();
}

TEST_F(ModelFaultsTest, UnreadableRepository) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "running as root, which reads through chmod 000; the "
                    "renamed and deleted cases cover an unreadable "
                    "repository";
  }
  fs::permissions(repo_, fs::perms::none);
  ExpectStillServes(1);
  fs::permissions(repo_, fs::perms::owner_all);
  Publish(repo_, 2, 20);
  EXPECT_TRUE(WaitForVersion(2));
  ExpectNoFailedCall();
}

TEST_F(ModelFaultsTest, BrokenVersionsNeverDisplaceTheServingOne) {
  const std::string good = ArtifactText(2, 20);
  auto write = [](const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
  };
  // Truncated, empty, not JSON, and a directory where model.json should be.
  write(VersionDir(2) + "/model.json", good.substr(0, good.size() / 2));
  write(VersionDir(3) + "/model.json", "");
  write(VersionDir(4) + "/model.json",
        "\x7f"
        "ELF garbage");
  fs::create_directories(VersionDir(5) + "/model.json");
  // Names that are not versions, a version that is a file, a dangling
  // symlink, and a version directory with nothing in it yet.
  for (const char* junk : {"0", "-3", "abc", ".tmp-9-1"}) {
    write(repo_ + "/tiny/" + junk + "/model.json", good);
  }
  std::ofstream(VersionDir(6)) << good;
  fs::create_directory_symlink(root_.path() + "/nowhere", VersionDir(7));
  fs::create_directories(VersionDir(8));
  ExpectStillServes(1);
  EXPECT_EQ(StateOf(2), v1::VERSION_STATE_FAILED);
  EXPECT_EQ(StateOf(3), v1::VERSION_STATE_FAILED);
  EXPECT_EQ(StateOf(4), v1::VERSION_STATE_FAILED);
  EXPECT_EQ(StateOf(8), v1::VERSION_STATE_LOADING);

  // Half-copied (cp writing in place): rejected while partial, served once
  // the copy completes.
  const std::string v9 = ArtifactText(9, 90);
  {
    const double answer = AsidePrediction(9, 90);
    absl::MutexLock lock(&mu_);
    expected_[9] = answer;
  }
  write(VersionDir(9) + "/model.json", v9.substr(0, v9.size() / 3));
  ExpectStillServes(1);
  EXPECT_EQ(StateOf(9), v1::VERSION_STATE_FAILED);
  // Completing the file changes its size: the server retries it.
  std::ofstream(VersionDir(9) + "/model.json", std::ios::app)
      << v9.substr(v9.size() / 3);
  EXPECT_TRUE(WaitForVersion(9));
  EXPECT_EQ(StateOf(9), v1::VERSION_STATE_AVAILABLE);

  // The serving version's file corrupted in place: what is loaded stays.
  std::ofstream(VersionDir(9) + "/model.json") << "{\"format_vers";
  ExpectStillServes(9);
  // And a newer broken one on top changes nothing.
  write(VersionDir(10) + "/model.json", good.substr(0, 100));
  ExpectStillServes(9);
  ExpectNoFailedCall();
}

// `rm -rf repository` removes the children first. Its first step, the
// serving version's model.json gone, changes nothing: what is loaded stays.
TEST_F(ModelFaultsTest, ServingVersionFileDeleted) {
  fs::remove(VersionDir(1) + "/model.json");
  ExpectStillServes(1);
  ExpectNoFailedCall();
}

// The whole `rm -rf repository`, each intermediate state held for several
// polls: the repository with the model directory but no version in it,
// then without the model directory, then gone. README: a deleted
// repository changes nothing. (Before ModelManager kept models left
// without versions, the second step unloaded the model: NOT_FOUND and
// health NOT_SERVING.)
TEST_F(ModelFaultsTest, RecursiveDeleteOfTheRepository) {
  fs::remove(VersionDir(1) + "/model.json");
  ExpectStillServes(1);
  fs::remove(VersionDir(1));
  ExpectStillServes(1);
  fs::remove(repo_ + "/tiny");
  ExpectStillServes(1);
  fs::remove(repo_);
  ExpectStillServes(1);
  ExpectNoFailedCall();
}

}  // namespace
}  // namespace regserve::testing
