#include "server/model_registry.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/repository_loader.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(RepositoryLoaderTest, LoadsLatestVersionOfEveryModel) {
  testing::TempDir repo;
  testing::PublishTinyModel(repo.path(), "tiny", 1, 1, 2, 3);
  testing::PublishTinyModel(repo.path(), "tiny", 2, 5, 2, 3);
  testing::PublishTinyModel(repo.path(), "other", 4, 0, 1, 1);
  auto snapshot = LoadRepository(repo.path(), "tiny");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_THAT((*snapshot)->ModelNames(), ElementsAre("other", "tiny"));
  EXPECT_THAT((*snapshot)->Versions(""), ElementsAre(2));
  auto found = (*snapshot)->Find("", 0);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->model.version(), 2);
  EXPECT_EQ((*(*snapshot)->Find("other", 4))->model.name(), "other");
}

TEST(RepositoryLoaderTest, FallsBackPastABrokenNewestVersion) {
  testing::TempDir repo;
  testing::PublishTinyModel(repo.path(), "tiny", 1, 1, 2, 3);
  const std::string broken =
      testing::PublishTinyModel(repo.path(), "tiny", 2, 1, 2, 3);
  std::filesystem::resize_file(broken, 100);  // truncated
  auto snapshot = LoadRepository(repo.path(), "tiny");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_THAT((*snapshot)->Versions("tiny"), ElementsAre(1));
}

TEST(RepositoryLoaderTest, MissingDefaultModelIsAnError) {
  testing::TempDir repo;
  testing::PublishTinyModel(repo.path(), "tiny", 1, 1, 2, 3);
  auto snapshot = LoadRepository(repo.path(), "boston");
  EXPECT_THAT(snapshot.status().message(),
              HasSubstr("default model 'boston' is not in"));
  EXPECT_FALSE(LoadRepository(repo.path() + "/nope", "tiny").ok());
}

TEST(RegistrySnapshotTest, NotFoundNamesWhatIsLoaded) {
  testing::TempDir repo;
  testing::PublishTinyModel(repo.path(), "tiny", 3, 1, 2, 3);
  auto snapshot = *LoadRepository(repo.path(), "tiny");
  auto missing = snapshot->Find("huge", 0);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "model 'huge' is not loaded; loaded models: [tiny]");
  EXPECT_EQ(snapshot->Find("tiny", 9).status().message(),
            "version 9 of model 'tiny' is not loaded; loaded versions: [3]");
}

TEST(ModelRegistryTest, PublishSwapsTheSnapshotReadersHold) {
  testing::TempDir repo;
  testing::PublishTinyModel(repo.path(), "tiny", 1, 1, 2, 3);
  ModelRegistry registry;
  EXPECT_TRUE(registry.Current()->ModelNames().empty());
  registry.Publish(*LoadRepository(repo.path(), "tiny"));
  auto held = registry.Current();
  testing::PublishTinyModel(repo.path(), "tiny", 2, 1, 2, 3);
  registry.Publish(*LoadRepository(repo.path(), "tiny"));
  EXPECT_EQ((*held->Find("", 0))->model.version(), 1);  // unchanged
  EXPECT_EQ((*registry.Current()->Find("", 0))->model.version(), 2);
}

}  // namespace
}  // namespace regserve::server
