// The shedding rule on a fake clock (CoDel's): calls are refused only while
// the queueing delay has stayed above the target for a whole interval;
// one spike, however long, refuses nothing (issue 16, item 10: one legal
// 150 ms call used to make every call behind it RESOURCE_EXHAUSTED).
#include "server/grpc/load_shedder.h"

#include "gtest/gtest.h"

namespace regserve::server {
namespace {

using std::chrono::milliseconds;

LoadShedder::Clock::time_point fake_now;
LoadShedder::Clock::time_point FakeNow() { return fake_now; }

// Samples `delay` every probe period for `span`.
void Sample(LoadShedder& shedder, milliseconds delay, milliseconds span) {
  for (milliseconds t{0}; t < span; t += LoadShedder::kProbePeriod) {
    fake_now += LoadShedder::kProbePeriod;
    shedder.RecordDelay(delay);
  }
}

TEST(LoadShedderTest, OneSpikeRefusesNothing) {
  fake_now = LoadShedder::Clock::time_point();
  LoadShedder shedder(absl::Milliseconds(100), &FakeNow);
  Sample(shedder, milliseconds(1), milliseconds(300));
  // One 150 ms call: the sample taken behind it is 150 ms late...
  fake_now += milliseconds(150);
  shedder.RecordDelay(milliseconds(150));
  EXPECT_FALSE(shedder.Overloaded());
  // ...and the queue catches up at once.
  Sample(shedder, milliseconds(1), milliseconds(300));
  EXPECT_FALSE(shedder.Overloaded());
}

TEST(LoadShedderTest, SustainedDelayRefusesUntilTheDelayFalls) {
  fake_now = LoadShedder::Clock::time_point();
  LoadShedder shedder(absl::Milliseconds(100), &FakeNow);
  Sample(shedder, milliseconds(1), milliseconds(200));
  Sample(shedder, milliseconds(250), milliseconds(50));
  EXPECT_FALSE(shedder.Overloaded());  // above target, not for an interval
  Sample(shedder, milliseconds(250), milliseconds(250));
  EXPECT_TRUE(shedder.Overloaded());  // a whole interval above the target
  shedder.RecordDelay(milliseconds(5));
  EXPECT_FALSE(shedder.Overloaded());  // the first sample below ends it
  shedder.RecordDelay(milliseconds(300));
  // Still inside a window whose minimum is below the target.
  Sample(shedder, milliseconds(300), milliseconds(50));
  EXPECT_FALSE(shedder.Overloaded());
}

TEST(LoadShedderTest, ZeroTargetTurnsSheddingOff) {
  fake_now = LoadShedder::Clock::time_point();
  LoadShedder shedder(absl::ZeroDuration(), &FakeNow);
  Sample(shedder, milliseconds(10'000), milliseconds(1000));
  EXPECT_FALSE(shedder.Overloaded());
}

}  // namespace
}  // namespace regserve::server
