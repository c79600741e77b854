#include "server/repository/version_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace regserve::server {
namespace {

using ::testing::HasSubstr;

TEST(VersionPolicyTest, FromFlags) {
  auto latest = VersionPolicy::FromFlags("latest", 2, {});
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->Limit(), 2);
  EXPECT_EQ(latest->ToString(), "latest 2");
  auto specific = VersionPolicy::FromFlags("specific", 0, {3, 1});
  ASSERT_TRUE(specific.ok());
  EXPECT_TRUE(specific->Lists(3));
  EXPECT_FALSE(specific->Lists(2));
  EXPECT_EQ(specific->ToString(), "specific [3, 1]");
  EXPECT_EQ(VersionPolicy::FromFlags("all", 0, {})->ToString(), "all");
  EXPECT_THAT(VersionPolicy::FromFlags("newest", 1, {}).status().message(),
              HasSubstr("latest, all or specific"));
  EXPECT_FALSE(VersionPolicy::FromFlags("latest", 0, {}).ok());
  EXPECT_FALSE(VersionPolicy::FromFlags("specific", 0, {}).ok());
  EXPECT_FALSE(VersionPolicy::FromFlags("specific", 0, {0}).ok());
}

TEST(VersionPolicyTest, FromProtoFallsBackWhenUnset) {
  VersionPolicy fallback;
  fallback.latest = 3;
  regserve::config::v1::VersionPolicy proto;
  EXPECT_EQ(VersionPolicy::FromProto(proto, fallback)->latest, 3);
  proto.mutable_all();
  EXPECT_EQ(VersionPolicy::FromProto(proto, fallback)->kind,
            VersionPolicy::Kind::kAll);
  proto.mutable_latest()->set_num_versions(0);
  EXPECT_FALSE(VersionPolicy::FromProto(proto, fallback).ok());
}

}  // namespace
}  // namespace regserve::server
