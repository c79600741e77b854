// The shedding rule on a fake clock: calls are refused only once the
// queue has stood without draining for longer than the target delay.
#include "server/grpc/load_shedder.h"

#include "gtest/gtest.h"

namespace regserve::server {
namespace {

using std::chrono::milliseconds;

LoadShedder::Clock::time_point fake_now;
LoadShedder::Clock::time_point FakeNow() { return fake_now; }

TEST(LoadShedderTest, RefusesOnlyAfterTheQueueStoodLongerThanTheTarget) {
  fake_now = LoadShedder::Clock::time_point();
  LoadShedder shedder(absl::Milliseconds(10), &FakeNow);
  EXPECT_FALSE(shedder.Overloaded());
  fake_now += milliseconds(10);
  EXPECT_FALSE(shedder.Overloaded());  // exactly the target: still fine
  fake_now += milliseconds(1);
  EXPECT_TRUE(shedder.Overloaded());
  shedder.MarkDrained();  // the queue ran dry: the backlog is gone
  EXPECT_FALSE(shedder.Overloaded());
  fake_now += milliseconds(9);
  EXPECT_FALSE(shedder.Overloaded());
  fake_now += milliseconds(2);
  EXPECT_TRUE(shedder.Overloaded());
}

TEST(LoadShedderTest, ZeroTargetTurnsSheddingOff) {
  fake_now = LoadShedder::Clock::time_point();
  LoadShedder shedder(absl::ZeroDuration(), &FakeNow);
  fake_now += std::chrono::hours(1);
  EXPECT_FALSE(shedder.Overloaded());
}

}  // namespace
}  // namespace regserve::server
