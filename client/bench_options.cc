#include "client/bench_options.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace regserve::client {
namespace {

// INVALID_ARGUMENT "--<flag> <requirement>".
absl::Status BadFlag(absl::string_view flag, absl::string_view requirement) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, " ", requirement));
}

// Checks what is sent: method, batch shape, model, deadline, bad share.
absl::Status ValidateRequestOptions(const BenchOptions& options) {
  if (options.target.empty()) return BadFlag("target", "must not be empty");
  if (options.method != "predict" && options.method != "batch") {
    return BadFlag("method", "must be predict or batch");
  }
  if (options.batch_input != "table" && options.batch_input != "rows") {
    return BadFlag("batch_input", "must be table or rows");
  }
  if (options.batch_size <= 0) return BadFlag("batch_size", "must be > 0");
  if (options.deadline_ms <= 0) return BadFlag("deadline_ms", "must be > 0");
  if (!std::isfinite(options.bad_fraction) || options.bad_fraction < 0 ||
      options.bad_fraction > 1) {
    return BadFlag("bad_fraction", "must be between 0 and 1");
  }
  return absl::OkStatus();
}

// Checks how it is sent: channels, threads, loop and stop conditions.
absl::Status ValidateLoadOptions(const BenchOptions& options) {
  if (options.channels <= 0) return BadFlag("channels", "must be > 0");
  if (options.client_threads <= 0) {
    return BadFlag("client_threads", "must be > 0");
  }
  if (!std::isfinite(options.rate) || options.rate < 0) {
    return BadFlag("rate", "must be >= 0 (0 = closed loop)");
  }
  if (!IsOpenLoop(options) && options.concurrency <= 0) {
    return BadFlag("concurrency", "must be > 0");
  }
  if (options.max_outstanding <= 0) {
    return BadFlag("max_outstanding", "must be > 0");
  }
  if (!std::isfinite(options.duration_s) || options.duration_s <= 0) {
    return BadFlag("duration_s", "must be > 0");
  }
  if (options.calls < 0) return BadFlag("calls", "must be >= 0");
  if (!std::isfinite(options.warmup_s) || options.warmup_s < 0) {
    return BadFlag("warmup_s", "must be >= 0");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateBenchOptions(const BenchOptions& options) {
  const absl::Status status = ValidateRequestOptions(options);
  if (!status.ok()) return status;
  return ValidateLoadOptions(options);
}

}  // namespace regserve::client
