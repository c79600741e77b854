#include "model/artifact_store.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/artifact.h"
#include "tests/test_util.h"

namespace regserve::model {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::LinearModel DefaultArtifact(int64_t version) {
  auto a = ReadArtifactFile(
      testing::SourcePath("models/boston_housing/1/model.json"));
  EXPECT_TRUE(a.ok()) << a.status();
  a->set_version(version);
  return *a;
}

TEST(ArtifactStoreTest, PublishesAndListsVersions) {
  testing::TempDir repo;
  EXPECT_EQ(*NextFreeVersion(repo.path(), "boston_housing"), 1);
  auto path = PublishArtifact(repo.path(), DefaultArtifact(1));
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, ArtifactPath(repo.path(), "boston_housing", 1));
  ASSERT_TRUE(PublishArtifact(repo.path(), DefaultArtifact(7)).ok());
  EXPECT_THAT(*ListVersions(repo.path(), "boston_housing"), ElementsAre(1, 7));
  EXPECT_EQ(*NextFreeVersion(repo.path(), "boston_housing"), 8);
  EXPECT_THAT(*ListModelNames(repo.path()), ElementsAre("boston_housing"));
  auto back = ReadArtifactFile(*path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(ModelFromArtifact(*back).ok());
}

TEST(ArtifactStoreTest, NeverOverwritesAPublishedVersion) {
  testing::TempDir repo;
  ASSERT_TRUE(PublishArtifact(repo.path(), DefaultArtifact(2)).ok());
  auto again = PublishArtifact(repo.path(), DefaultArtifact(2));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  // No temporary directory is left behind.
  EXPECT_THAT(*ListVersions(repo.path(), "boston_housing"), ElementsAre(2));
  int entries = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(repo.path() + "/boston_housing")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(ArtifactStoreTest, IgnoresNonVersionDirectories) {
  testing::TempDir repo;
  std::filesystem::create_directories(repo.path() + "/m/.tmp-3-1");
  std::filesystem::create_directories(repo.path() + "/m/abc");
  std::filesystem::create_directories(repo.path() + "/m/0");
  std::filesystem::create_directories(repo.path() + "/m/4");
  EXPECT_THAT(*ListVersions(repo.path(), "m"), ElementsAre(4));
}

TEST(ArtifactStoreTest, ReadErrorsNameThePath) {
  testing::TempDir repo;
  const std::string path = repo.path() + "/model.json";
  std::ofstream(path) << "{\"format_version\": 1, \"name\": ";
  auto a = ReadArtifactFile(path);
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.status().message(), HasSubstr(path));
  EXPECT_EQ(ReadArtifactFile(repo.path() + "/none.json").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(ListModelNames(repo.path() + "/missing").ok());
}

TEST(ArtifactStoreTest, RejectsUnsafeNames) {
  testing::TempDir repo;
  v1::LinearModel a = DefaultArtifact(1);
  a.set_name("../evil");
  EXPECT_FALSE(PublishArtifact(repo.path(), a).ok());
}

}  // namespace
}  // namespace regserve::model
