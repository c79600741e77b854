// The growth and shrink rules of a slot pool (server/slot_pool.h). The
// pool under real slow readers is in tests/reliability/client_faults_test.cc.
#include "server/grpc/slot_pool.h"

#include "gtest/gtest.h"

namespace regserve::server {
namespace {

SlotPoolLimits Limits(int waiting, int low_water, int max_slots) {
  SlotPoolLimits limits;
  limits.waiting = waiting;
  limits.low_water = low_water;
  limits.max_slots = max_slots;
  return limits;
}

// Creates and arms the pool's first slots, as the server does.
void Fill(SlotPool& pool) {
  for (int i = 0; i < pool.initial_slots(); ++i) {
    pool.OnCreated();
    pool.OnArmed();
  }
}

// A call arrives; a new slot is armed if the pool asks for one.
bool Arrive(SlotPool& pool) {
  const bool grow = pool.OnCallArrived();
  if (grow) pool.OnArmed();
  return grow;
}

// A call's answer is sent; the slot is re-armed unless the pool shrinks.
bool Answer(SlotPool& pool) {
  const bool retire = pool.OnAnswered();
  if (!retire) pool.OnArmed();
  return retire;
}

TEST(SlotPoolTest, ShortCallsReuseTheirSlots) {
  SlotPool pool(nullptr, nullptr, nullptr, Limits(8, 2, 100));
  Fill(pool);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(Arrive(pool));
    EXPECT_FALSE(Answer(pool));
  }
  EXPECT_EQ(pool.slots(), 8);
  EXPECT_EQ(pool.waiting(), 8);
}

TEST(SlotPoolTest, HeldSlotsAreReplacedBelowTheLowWaterMark) {
  SlotPool pool(nullptr, nullptr, nullptr, Limits(8, 2, 100));
  Fill(pool);
  // Six callers hold slots: 2 left waiting, no growth yet.
  for (int i = 0; i < 6; ++i) EXPECT_FALSE(Arrive(pool));
  EXPECT_EQ(pool.waiting(), 2);
  // From here each arrival adds a slot, so some always wait.
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(Arrive(pool));
  EXPECT_EQ(pool.waiting(), 2);
  EXPECT_EQ(pool.slots(), 58);
}

TEST(SlotPoolTest, GrowthStopsAtTheCap) {
  SlotPool pool(nullptr, nullptr, nullptr, Limits(4, 2, 10));
  Fill(pool);
  int held = 0;
  while (pool.waiting() > 0) {
    Arrive(pool);
    ++held;
  }
  EXPECT_EQ(pool.slots(), 10);
  EXPECT_EQ(held, 10);
  // Once answered, the held slots wait again instead of going.
  EXPECT_FALSE(Answer(pool));
  EXPECT_EQ(pool.waiting(), 1);
}

TEST(SlotPoolTest, ShrinksBackAfterTheBurst) {
  SlotPool pool(nullptr, nullptr, nullptr, Limits(8, 2, 100));
  Fill(pool);
  for (int i = 0; i < 40; ++i) Arrive(pool);
  ASSERT_EQ(pool.slots(), 42);
  int retired = 0;
  for (int i = 0; i < 40; ++i) retired += Answer(pool);
  EXPECT_EQ(retired, 34);
  EXPECT_EQ(pool.slots(), 8);
  EXPECT_EQ(pool.waiting(), 8);
}

TEST(SlotPoolTest, RetiringAtShutdownCountsBothKinds) {
  SlotPool pool(nullptr, nullptr, nullptr, Limits(4, 1, 10));
  Fill(pool);
  Arrive(pool);
  pool.OnRetired(/*was_waiting=*/false);
  for (int i = 0; i < 3; ++i) pool.OnRetired(/*was_waiting=*/true);
  EXPECT_EQ(pool.slots(), 0);
  EXPECT_EQ(pool.waiting(), 0);
}

}  // namespace
}  // namespace regserve::server
