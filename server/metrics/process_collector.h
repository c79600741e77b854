// Process metrics in the standard Prometheus names (as every official client
// library exports them), read from /proc at scrape time.
#ifndef REGSERVE_SERVER_METRICS_PROCESS_COLLECTOR_H_
#define REGSERVE_SERVER_METRICS_PROCESS_COLLECTOR_H_

#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace regserve::server::metrics {

// process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds,
// process_start_time_seconds. Stateless and thread-safe; Linux only.
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_PROCESS_COLLECTOR_H_
