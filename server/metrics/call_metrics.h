// gRPC server metrics for one method, in the grpc-ecosystem convention
// (go-grpc-prometheus / java-grpc-prometheus names, types and labels), so
// that the standard gRPC dashboards and alerts work unchanged.
#ifndef REGSERVE_SERVER_METRICS_CALL_METRICS_H_
#define REGSERVE_SERVER_METRICS_CALL_METRICS_H_

#include <array>
#include <chrono>

#include "grpcpp/support/status.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "server/metrics/sharded_histogram.h"

namespace regserve::server::metrics {

// Number of canonical gRPC status codes (OK .. UNAUTHENTICATED).
inline constexpr int kStatusCodes = 17;

// Cached handles for one method. Created once at start-up; the handles are
// references into prometheus-cpp families, stable for the registry's life.
// Thread-safe and lock-free (prometheus-cpp's counters and gauges are
// atomic; the histogram is sharded).
struct CallMetrics {
  prometheus::Counter* started = nullptr;
  prometheus::Counter* received = nullptr;
  prometheus::Counter* sent = nullptr;
  std::array<prometheus::Counter*, kStatusCodes> handled{};
  ShardedHistogram* handling_seconds = nullptr;  // lock-free
  prometheus::Gauge* in_flight = nullptr;        // shared by all methods

  // A call arrived with its one request message.
  void OnStart() const {
    started->Increment();
    received->Increment();
    in_flight->Increment();
  }
  // The call was answered with `status` after `elapsed`.
  void OnFinish(const grpc::Status& status,
                std::chrono::steady_clock::duration elapsed) const {
    const int code = static_cast<int>(status.error_code());
    handled[code < kStatusCodes ? code : 2 /* UNKNOWN */]->Increment();
    if (status.ok()) sent->Increment();  // unary: a message only on OK
    handling_seconds->Observe(std::chrono::duration<double>(elapsed).count());
    in_flight->Decrement();
  }
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_CALL_METRICS_H_
