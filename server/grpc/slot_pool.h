// How many call slots (server/unary_call.h) one method keeps on one
// completion queue: a pool that grows when calls hold slots for long and
// shrinks back when they are answered.
//
// A slot is busy from the arrival of a call until its answer has been
// handed to the transport. A client that never reads a large answer keeps
// that answer in HTTP/2 flow control, and its slot busy, until the call
// ends. With a fixed number of slots, enough such clients would leave none
// waiting, and every other caller of the method would wait in gRPC's core
// until its deadline. So when few slots are left waiting, each arrival adds
// one, up to a cap; when an answered slot finds enough waiting, it goes.
//
// Not thread-safe, and needs no lock: every slot of a pool completes on
// the pool's one completion queue, which exactly one thread polls (and the
// server arms the first slots before that thread starts).
#ifndef REGSERVE_SERVER_GRPC_SLOT_POOL_H_
#define REGSERVE_SERVER_GRPC_SLOT_POOL_H_

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "grpcpp/completion_queue.h"
#include "server/grpc/load_shedder.h"

namespace regserve::server {

// State shared by all slots of a server. Owned by the server.
struct SlotsState {
  // Set before the server shuts down: finishing slots delete themselves
  // instead of asking for another call.
  std::atomic<bool> shutting_down{false};
  // Calls answered by slots that have been deleted (each slot counts on its
  // own and adds its count here when it goes, so the hot path shares no
  // counter between threads).
  std::atomic<int64_t> answered{0};
};

// Sizes of one pool.
struct SlotPoolLimits {
  // Slots waiting for calls when the method is quiet; answered slots beyond
  // this many waiting are deleted.
  int waiting = 64;
  // Below this many waiting slots, every arriving call adds one.
  int low_water = 16;
  // Most slots (waiting and busy) the pool has; beyond it new calls wait in
  // gRPC's core for a slot to free up.
  int max_slots = 1024;
};

class SlotPool {
 public:
  // `cq`, `state` and `shedder` (each may be null in tests) outlive the
  // pool.
  SlotPool(grpc::ServerCompletionQueue* cq, SlotsState* state,
           const LoadShedder* shedder, const SlotPoolLimits& limits)
      : cq_(cq),
        state_(state),
        shedder_(shedder),
        limits_(limits),
        low_water_(std::min(limits.low_water, limits.waiting)) {}

  SlotPool(const SlotPool&) = delete;
  SlotPool& operator=(const SlotPool&) = delete;

  grpc::ServerCompletionQueue* cq() const { return cq_; }
  SlotsState* state() const { return state_; }
  const LoadShedder* shedder() const { return shedder_; }
  int initial_slots() const { return limits_.waiting; }

  // A new slot exists.
  void OnCreated() { ++slots_; }
  // A slot asked gRPC for a call.
  void OnArmed() { ++waiting_; }
  // A call arrived in a waiting slot. Returns whether the caller should
  // create and arm another slot (already counted when this returns true).
  bool OnCallArrived() {
    --waiting_;
    if (waiting_ >= low_water_ || slots_ >= limits_.max_slots) return false;
    ++slots_;
    return true;
  }
  // A slot's answer has been sent. Returns whether the slot should be
  // deleted (already uncounted when this returns true) instead of re-armed.
  bool OnAnswered() {
    if (waiting_ < limits_.waiting) return false;
    --slots_;
    return true;
  }
  // A slot was deleted at shutdown, while waiting for a call or not.
  void OnRetired(bool was_waiting) {
    --slots_;
    if (was_waiting) --waiting_;
  }

  // For tests and logs: slots in the pool, and how many are waiting.
  int slots() const { return slots_; }
  int waiting() const { return waiting_; }

 private:
  grpc::ServerCompletionQueue* const cq_;
  SlotsState* const state_;
  const LoadShedder* const shedder_;
  const SlotPoolLimits limits_;
  const int low_water_;
  int slots_ = 0;
  int waiting_ = 0;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_SLOT_POOL_H_
