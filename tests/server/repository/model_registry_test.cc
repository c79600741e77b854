#include "server/repository/model_registry.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/repository/version_loader.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

using ::testing::ElementsAre;

class RegistrySnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::PublishTinyModel(repo_.path(), "tiny", 3, 1, 2, 3);
    testing::PublishTinyModel(repo_.path(), "tiny", 5, 1, 2, 3);
    ModelVersions versions;
    for (int64_t v : {3, 5}) {
      versions[v] = *LoadVersion(repo_.path(), "tiny", v, nullptr);
    }
    absl::flat_hash_map<std::string, ModelVersions> models;
    models["tiny"] = versions;
    absl::flat_hash_map<std::string, VersionLabels> labels;
    labels["tiny"] = {{"stable", 3}, {"canary", 5}, {"old", 1}};
    snapshot_.emplace(std::move(models), "tiny", std::move(labels));
  }
  testing::TempDir repo_;
  std::optional<RegistrySnapshot> snapshot_;
};

TEST_F(RegistrySnapshotTest, FindsByNameVersionAndLabel) {
  EXPECT_EQ((*snapshot_->Find("", 0))->model.version(), 5);
  EXPECT_EQ((*snapshot_->Find("tiny", 3))->model.version(), 3);
  EXPECT_EQ((*snapshot_->Find("tiny", 0, "stable"))->model.version(), 3);
  EXPECT_EQ((*snapshot_->Find("", 0, "canary"))->model.version(), 5);
  EXPECT_THAT(snapshot_->Versions("tiny"), ElementsAre(3, 5));
  EXPECT_THAT(snapshot_->ModelNames(), ElementsAre("tiny"));
}

TEST_F(RegistrySnapshotTest, NotFoundNamesWhatIsLoaded) {
  EXPECT_EQ(snapshot_->Find("huge", 0).status().message(),
            "model 'huge' is not loaded; loaded models: [tiny]");
  EXPECT_EQ(snapshot_->Find("tiny", 9).status().message(),
            "version 9 of model 'tiny' is not loaded; loaded versions: [3, 5]");
  EXPECT_EQ(snapshot_->Find("tiny", 0, "beta").status().message(),
            "label 'beta' of model 'tiny' is not defined; labels: [canary, "
            "old, stable]");
  EXPECT_EQ(snapshot_->Find("tiny", 0, "old").status().message(),
            "version 1 (label 'old') of model 'tiny' is not loaded; loaded "
            "versions: [3, 5]");
  EXPECT_EQ(snapshot_->Find("tiny", 3, "stable").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ModelRegistryTest, PublishSwapsTheSnapshotReadersHold) {
  testing::TempDir repo;
  testing::PublishTinyModel(repo.path(), "tiny", 1, 1, 2, 3);
  testing::PublishTinyModel(repo.path(), "tiny", 2, 1, 2, 3);
  ModelRegistry registry;
  EXPECT_TRUE(registry.Current()->ModelNames().empty());
  auto publish = [&](int64_t v) {
    absl::flat_hash_map<std::string, ModelVersions> models;
    models["tiny"][v] = *LoadVersion(repo.path(), "tiny", v, nullptr);
    registry.Publish(
        std::make_shared<const RegistrySnapshot>(std::move(models), "tiny"));
  };
  publish(1);
  auto held = registry.Current();
  publish(2);
  EXPECT_EQ((*held->Find("", 0))->model.version(), 1);  // unchanged
  EXPECT_EQ((*registry.Current()->Find("", 0))->model.version(), 2);
}

TEST(VersionLoaderTest, RejectsAVersionWhoseDirectoryDisagrees) {
  testing::TempDir repo;
  const std::string path =
      testing::PublishTinyModel(repo.path(), "tiny", 1, 1, 2, 3);
  std::filesystem::create_directories(repo.path() + "/tiny/4");
  std::filesystem::copy_file(path, repo.path() + "/tiny/4/model.json");
  auto loaded = LoadVersion(repo.path(), "tiny", 4, nullptr);
  EXPECT_THAT(loaded.status().message(),
              ::testing::HasSubstr("artifact says tiny version 1, its "
                                   "directory says tiny version 4"));
}

}  // namespace
}  // namespace regserve::server
