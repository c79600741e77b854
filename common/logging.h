// Minimal leveled logging to stderr, one line per message (Abseil 20220623
// has no absl/log). Thread-safe: each message is written with one fwrite.
//
//   LOG(INFO) << "listening on port " << port;
//
// Keep logging off the per-call success path: it costs a syscall per line.
#ifndef REGSERVE_COMMON_LOGGING_H_
#define REGSERVE_COMMON_LOGGING_H_

#include <sstream>

namespace regserve::common {

enum class LogSeverity { kInfo, kWarning, kError, kFatal };

// Collects one message and writes it, prefixed with time, severity and
// source location, when destroyed. kFatal aborts the process after writing.
class LogMessage {
 public:
  LogMessage(LogSeverity severity, const char* file, int line);
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;

  std::ostream& stream() { return stream_; }

 private:
  LogSeverity severity_;
  std::ostringstream stream_;
};

}  // namespace regserve::common

#define REGSERVE_LOG_INFO ::regserve::common::LogSeverity::kInfo
#define REGSERVE_LOG_WARNING ::regserve::common::LogSeverity::kWarning
#define REGSERVE_LOG_ERROR ::regserve::common::LogSeverity::kError
#define REGSERVE_LOG_FATAL ::regserve::common::LogSeverity::kFatal

#define LOG(severity)                                                         \
  ::regserve::common::LogMessage(REGSERVE_LOG_##severity, __FILE__, __LINE__) \
      .stream()

#endif  // REGSERVE_COMMON_LOGGING_H_
