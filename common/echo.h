// Caller-controlled text echoed in statuses and logs, capped. A status
// message must fit a client's metadata limit (8 KiB in gRPC by default)
// whatever the caller sent: an 8,000-character feature name must still
// reach the caller as INVALID_ARGUMENT, not as RESOURCE_EXHAUSTED from its
// own transport. Every echo of a name, label, path or value the caller
// chose goes through these.
#ifndef REGSERVE_COMMON_ECHO_H_
#define REGSERVE_COMMON_ECHO_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace regserve::common {

// Characters of one echoed text kept; the rest is counted, not shown.
inline constexpr size_t kMaxEchoedChars = 64;
// Items of an echoed list kept; the rest are counted, not shown.
inline constexpr size_t kMaxEchoedItems = 10;

// `text` itself if it has at most `max_chars` bytes; otherwise its first
// `max_chars` bytes (never cutting a UTF-8 character) followed by
// "... (N more bytes)".
std::string Echo(absl::string_view text, size_t max_chars = kMaxEchoedChars);

// The first kMaxEchoedItems of `items`, each through Echo(), joined by
// ", ", then " and N more" if there are more.
std::string EchoList(const std::vector<std::string>& items);

}  // namespace regserve::common

#endif  // REGSERVE_COMMON_ECHO_H_
