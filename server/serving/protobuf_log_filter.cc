#include "server/serving/protobuf_log_filter.h"

#include <atomic>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "google/protobuf/stubs/logging.h"

namespace regserve::server {
namespace {

std::atomic<int64_t> suppressed{0};
ABSL_CONST_INIT absl::Mutex report_mu(absl::kConstInit);
absl::Duration report_interval ABSL_GUARDED_BY(report_mu) = absl::Minutes(1);
absl::Time last_report ABSL_GUARDED_BY(report_mu) = absl::InfinitePast();
int64_t reported ABSL_GUARDED_BY(report_mu) = 0;

void ReportSuppressed(const std::string& example) {
  absl::MutexLock lock(&report_mu);
  const absl::Time now = absl::Now();
  if (now - last_report < report_interval) return;
  const int64_t total = suppressed.load();
  LOG(WARNING) << total - reported
               << " request(s) with a string field that is not UTF-8 since "
                  "the last report (protobuf refused them; the callers got "
                  "INVALID_ARGUMENT or INTERNAL); e.g. "
               << example;
  last_report = now;
  reported = total;
}

void Handle(google::protobuf::LogLevel level, const char* file, int line,
            const std::string& message) {
  if (absl::StrContains(message, "invalid UTF-8 data")) {
    suppressed.fetch_add(1);
    ReportSuppressed(message);
    return;
  }
  using common::LogSeverity;
  LogSeverity severity = LogSeverity::kInfo;
  if (level == google::protobuf::LOGLEVEL_WARNING) {
    severity = LogSeverity::kWarning;
  } else if (level == google::protobuf::LOGLEVEL_ERROR) {
    severity = LogSeverity::kError;
  } else if (level == google::protobuf::LOGLEVEL_FATAL) {
    severity = LogSeverity::kFatal;
  }
  common::LogMessage(severity, file, line).stream() << "protobuf: " << message;
}

}  // namespace

void FilterProtobufLogs(absl::Duration interval) {
  {
    absl::MutexLock lock(&report_mu);
    report_interval = interval;
  }
  google::protobuf::SetLogHandler(&Handle);
}

int64_t InvalidUtf8LinesSuppressed() { return suppressed.load(); }

}  // namespace regserve::server
