#include "server/metrics/process_collector.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace regserve::server::metrics {
namespace {

prometheus::MetricFamily Family(const std::string& name,
                                const std::string& help,
                                prometheus::MetricType type, double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(metric);
  return family;
}

// Fields of /proc/self/stat after the parenthesised command name, which may
// itself contain spaces; field 3 (state) is index 0 here.
std::vector<std::string> StatFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double btime = 0;
      in >> btime;
      return btime;
    }
  }
  return 0;
}

double OpenFds() {
  std::error_code ec;
  double n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  const std::vector<std::string> f = StatFields();
  if (f.size() < 22) return {};
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // stat fields 14 utime, 15 stime, 22 starttime, 23 vsize, 24 rss.
  const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  const double start = BootTimeSeconds() + std::stod(f[19]) / ticks;
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  return {
      Family("process_cpu_seconds_total",
             "Total user and system CPU time spent in seconds.",
             MetricType::Counter, cpu),
      Family("process_resident_memory_bytes", "Resident memory size in bytes.",
             MetricType::Gauge, std::stod(f[21]) * page),
      Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
             MetricType::Gauge, std::stod(f[20])),
      Family("process_open_fds", "Number of open file descriptors.",
             MetricType::Gauge, OpenFds()),
      Family("process_max_fds", "Maximum number of open file descriptors.",
             MetricType::Gauge, static_cast<double>(limit.rlim_cur)),
      Family("process_start_time_seconds",
             "Start time of the process since unix epoch in seconds.",
             MetricType::Gauge, start),
  };
}

}  // namespace regserve::server::metrics
