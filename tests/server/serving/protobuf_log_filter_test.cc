// Issue 16, item 12 (the log side): protobuf logged one ERROR line per
// request whose string field is not UTF-8, so a caller could fill the log.
#include "server/serving/protobuf_log_filter.h"

#include <algorithm>
#include <string>

#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"

namespace regserve::server {
namespace {

TEST(ProtobufLogFilterTest, InvalidUtf8IsCountedNotLoggedPerRequest) {
  FilterProtobufLogs(absl::Hours(1));
  // A StringValue whose value is the bytes FF FE: not UTF-8.
  const std::string bad("\x0a\x02\xff\xfe", 4);
  const int64_t before = InvalidUtf8LinesSuppressed();
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 100; ++i) {
    google::protobuf::StringValue value;
    EXPECT_FALSE(value.ParseFromString(bad));
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(InvalidUtf8LinesSuppressed() - before, 100);
  // At most the one periodic report, and never at ERROR.
  EXPECT_LE(std::count(log.begin(), log.end(), '\n'), 1) << log;
  EXPECT_NE(log.rfind("E ", 0), 0u) << log;
}

}  // namespace
}  // namespace regserve::server
