// ModelManager against a real repository on disk: policies, labels, and
// every way a version can be broken, each leaving serving unchanged.
#include "server/repository/model_manager.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/artifact_store.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using v1::VersionState;

class ModelManagerTest : public ::testing::Test {
 protected:
  ModelManager& Manager(const std::string& config_text = "") {
    ModelManagerOptions options;
    options.repository = repo_.path();
    options.default_model = "tiny";
    options.poll_interval = absl::ZeroDuration();
    if (!config_text.empty()) {
      options.config_path = config_dir_.path() + "/" + config_name_;
      std::ofstream(options.config_path) << config_text;
    }
    manager_.emplace(options, &registry_, &metrics_,
                     [this](bool serving) { serving_ = serving; });
    return *manager_;
  }
  void Publish(int64_t version, double intercept) {
    testing::PublishTinyModel(repo_.path(), "tiny", version, intercept, 2, 3);
  }
  std::string Path(int64_t version) {
    return model::ArtifactPath(repo_.path(), "tiny", version);
  }
  std::vector<int64_t> Serving() {
    return registry_.Current()->Versions("tiny");
  }
  // State and reason of tiny/version in ListModels.
  std::pair<VersionState, std::string> State(int64_t version) {
    v1::ListModelsResponse list;
    manager_->ListModels(&list);
    for (const auto& m : list.models()) {
      for (const auto& v : m.versions()) {
        if (m.name() == "tiny" && v.version() == version) {
          return {v.state(), v.reason()};
        }
      }
    }
    return {v1::VERSION_STATE_UNSPECIFIED, ""};
  }
  double FailedLoads() {
    auto text = metrics_.registry()->Collect();
    for (const auto& family : text) {
      if (family.name != "regserve_model_loads_total") continue;
      for (const auto& m : family.metric) {
        for (const auto& l : m.label) {
          if (l.name == "result" && l.value == "failed") return m.counter.value;
        }
      }
    }
    return 0;
  }

  testing::TempDir repo_;
  testing::TempDir config_dir_;
  std::string config_name_ = "config-" + std::to_string(::getpid()) + ".pbtxt";
  ModelRegistry registry_;
  metrics::ServerMetrics metrics_;
  std::optional<ModelManager> manager_;
  bool serving_ = false;
};

TEST_F(ModelManagerTest, LatestPolicyServesTheNewestAndUnloadsTheRest) {
  Publish(1, 10);
  ModelManager& m = Manager();
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(1));
  EXPECT_TRUE(serving_);
  Publish(2, 20);
  auto held = registry_.Current();  // a call in flight on version 1
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(2));
  EXPECT_EQ(State(1).first, v1::VERSION_STATE_UNLOADING);
  held.reset();
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_EQ(State(1).first, v1::VERSION_STATE_UNSPECIFIED);  // freed
  EXPECT_EQ(State(2).first, v1::VERSION_STATE_AVAILABLE);
}

TEST_F(ModelManagerTest, BrokenNewVersionsNeverReplaceAWorkingOne) {
  Publish(1, 10);
  ModelManager& m = Manager();
  ASSERT_TRUE(m.Reconcile().ok());
  struct Broken {
    int64_t version;
    std::function<void(const std::string&)> damage;
    std::string reason;
  };
  const std::vector<Broken> cases = {
      {2,
       [](const std::string& p) { fs::resize_file(p, fs::file_size(p) / 2); },
       "not a valid model artifact"},
      {3,
       [](const std::string& p) {
         std::ofstream(p) << "{\"format_version\": \"x\"}";
       },
       "not a valid model artifact"},
      {4,
       [](const std::string& p) {
         std::ifstream in(p);
         std::string s((std::istreambuf_iterator<char>(in)), {});
         const size_t at = s.find("\"prediction\": ") + 14;
         s.replace(at, 1, "9");  // a sample that no longer matches
         std::ofstream(p) << s;
       },
       "samples[0] predicts"},
  };
  for (const Broken& b : cases) {
    Publish(b.version, 10 + b.version);
    b.damage(Path(b.version));
    const double failed_before = FailedLoads();
    ASSERT_TRUE(m.Reconcile().ok());
    EXPECT_THAT(Serving(), ElementsAre(1)) << b.version;
    EXPECT_EQ(State(b.version).first, v1::VERSION_STATE_FAILED);
    EXPECT_THAT(State(b.version).second, HasSubstr(b.reason));
    EXPECT_THAT(State(b.version).second, HasSubstr(Path(b.version)));
    EXPECT_EQ(FailedLoads(), failed_before + 1);
    // Not retried while the file is unchanged.
    ASSERT_TRUE(m.Reconcile().ok());
    EXPECT_EQ(FailedLoads(), failed_before + 1);
    fs::remove_all(repo_.path() + "/tiny/" + std::to_string(b.version));
  }
  EXPECT_TRUE(serving_);
}

TEST_F(ModelManagerTest, HalfCopiedVersionIsReadOnceComplete) {
  Publish(1, 10);
  ModelManager& m = Manager();
  ASSERT_TRUE(m.Reconcile().ok());
  // A copy in progress: the directory exists, model.json does not yet.
  testing::TempDir staging;
  const std::string full =
      testing::PublishTinyModel(staging.path(), "tiny", 2, 20, 2, 3);
  fs::create_directories(repo_.path() + "/tiny/2");
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(1));
  EXPECT_EQ(State(2), std::make_pair(v1::VERSION_STATE_LOADING,
                                     std::string("waiting for model.json")));
  // Half the file written: rejected, serving unchanged.
  std::ifstream in(full);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(Path(2)) << bytes.substr(0, bytes.size() / 3);
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_EQ(State(2).first, v1::VERSION_STATE_FAILED);
  EXPECT_THAT(Serving(), ElementsAre(1));
  // The copy completes: the changed file is retried and goes live.
  std::ofstream(Path(2)) << bytes;
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(2));
}

TEST_F(ModelManagerTest, RemovingAVersionRollsBack) {
  Publish(1, 10);
  Publish(2, 20);
  ModelManager& m = Manager();
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(2));
  fs::remove_all(repo_.path() + "/tiny/2");
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(1));
}

TEST_F(ModelManagerTest, ModelLeftWithoutVersionsKeepsServing) {
  Publish(3, 30);
  ModelManager& m = Manager();
  ASSERT_TRUE(m.Reconcile().ok());
  fs::remove_all(repo_.path() + "/tiny/3");  // no version left
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(3));
  EXPECT_EQ(State(3).first, v1::VERSION_STATE_AVAILABLE);
  fs::remove_all(repo_.path() + "/tiny");  // no model directory either
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(3));
  EXPECT_TRUE(serving_);
  // A version published again replaces what was kept.
  Publish(1, 10);
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(1));
  EXPECT_NEAR(
      registry_.Current()->Find("tiny", 1).value()->artifact.intercept(), 10,
      0.01);
}

TEST_F(ModelManagerTest, DeletedOrUnreadableRepositoryKeepsServing) {
  Publish(1, 10);
  ModelManager& m = Manager();
  ASSERT_TRUE(m.Reconcile().ok());
  fs::rename(repo_.path(), repo_.path() + ".moved");
  EXPECT_FALSE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(1));
  EXPECT_TRUE(serving_);
  fs::rename(repo_.path() + ".moved", repo_.path());
}

TEST_F(ModelManagerTest, ConfigPoliciesAndLabels) {
  for (int v = 1; v <= 4; ++v) Publish(v, 10 * v);
  ModelManager& m = Manager(R"pb(
    models {
      name: "tiny"
      version_policy { latest { num_versions: 2 } }
      version_labels { key: "stable" value: 1 }
      version_labels { key: "canary" value: 4 }
    }
  )pb");
  ASSERT_TRUE(m.Reconcile().ok());
  // The newest two, plus version 1 because a label names it.
  EXPECT_THAT(Serving(), ElementsAre(1, 3, 4));
  EXPECT_EQ((*registry_.Current()->Find("tiny", 0, "stable"))->model.version(),
            1);
  v1::ListModelsResponse list;
  m.ListModels(&list);
  ASSERT_EQ(list.models_size(), 1);
  EXPECT_TRUE(list.models(0).is_default());
  EXPECT_EQ(list.models(0).version_labels().at("canary"), 4);

  std::ofstream(config_dir_.path() + "/" + config_name_) << R"pb(
    models {
      name: "tiny"
      version_policy { specific { versions: [ 2 ] } }
      version_labels { key: "stable" value: 2 }
    }
  )pb";
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(2));
  EXPECT_EQ((*registry_.Current()->Find("tiny", 0, "stable"))->model.version(),
            2);

  std::ofstream(config_dir_.path() + "/" + config_name_) << "models { name: ";
  EXPECT_THAT(m.Reconcile().message(), HasSubstr(config_name_));
  EXPECT_THAT(Serving(), ElementsAre(2));  // a broken config changes nothing
}

TEST_F(ModelManagerTest, AllPolicyFromJsonConfig) {
  for (int v = 1; v <= 3; ++v) Publish(v, 10 * v);
  config_name_ = "config-" + std::to_string(::getpid()) + ".json";
  ModelManager& m = Manager(
      R"({"models": [{"name": "tiny", "versionPolicy": {"all": {}}}]})");
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(1, 2, 3));
}

TEST_F(ModelManagerTest, PollerPicksUpVersionsOnRequest) {
  Publish(1, 10);
  ModelManager& m = Manager();
  ASSERT_TRUE(m.Reconcile().ok());
  m.StartPolling();
  Publish(2, 20);
  // The poller's pass after the request is the event awaited; the timeout
  // only bounds a hang.
  const int64_t passes = m.completed_passes();
  m.RequestReload();
  ASSERT_TRUE(m.AwaitPasses(passes + 1, testing::kEventTimeout));
  EXPECT_THAT(Serving(), ElementsAre(2));
  m.Stop();
}

// Issue 16, item 5: a symlink loop in the repository (or in a model's
// directory) made std::filesystem throw on the polling thread and abort the
// server. Loops are skipped; what serves keeps serving.
TEST_F(ModelManagerTest, SymlinkLoopsInTheRepositoryAreSkipped) {
  Publish(1, 10);
  ModelManager& m = Manager();
  ASSERT_TRUE(m.Reconcile().ok());
  fs::create_symlink("loop", repo_.path() + "/loop");  // points at itself
  fs::create_symlink("3", repo_.path() + "/tiny/3");
  ASSERT_TRUE(m.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(1));
  EXPECT_TRUE(serving_);
  // And a manager starting on such a repository.
  ModelManager& fresh = Manager();
  ASSERT_TRUE(fresh.Reconcile().ok());
  EXPECT_THAT(Serving(), ElementsAre(1));
}

// Issue 16, item 13: a valid artifact under tiny/0002 showed as version 2
// LOADING "waiting for model.json" forever (its path is built as tiny/2).
// Non-canonical names are ignored (with one warning); ListModels never
// shows a state that cannot change.
TEST_F(ModelManagerTest, NonCanonicalVersionDirectoriesAreIgnored) {
  Publish(1, 10);
  Publish(2, 20);
  fs::rename(repo_.path() + "/tiny/2", repo_.path() + "/tiny/0002");
  fs::create_directories(repo_.path() + "/tiny/+3");
  ModelManager& m = Manager();
  ASSERT_TRUE(m.Reconcile().ok());
  ASSERT_TRUE(m.Reconcile().ok());  // warned once, not per poll
  EXPECT_THAT(Serving(), ElementsAre(1));
  EXPECT_EQ(State(2).first, v1::VERSION_STATE_UNSPECIFIED);  // not listed
  EXPECT_EQ(State(3).first, v1::VERSION_STATE_UNSPECIFIED);
  std::vector<std::string> ignored;
  auto versions = model::ListVersions(repo_.path(), "tiny", &ignored);
  ASSERT_TRUE(versions.ok());
  EXPECT_THAT(*versions, ElementsAre(1));
  EXPECT_THAT(ignored, ::testing::UnorderedElementsAre("0002", "+3"));
}

}  // namespace
}  // namespace regserve::server
