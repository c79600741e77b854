// Makes a list flag repeatable. Abseil keeps only the last occurrence of a
// flag, so `--feature A=1 --feature B=2` would lose A=1; merging the
// occurrences into one `--feature=A=1,B=2` before parsing keeps them all.
#ifndef REGSERVE_CLIENT_REPEATED_FLAGS_H_
#define REGSERVE_CLIENT_REPEATED_FLAGS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace regserve::client {

// Returns `args` (argv, program name first) with every occurrence of flag
// `name` (--name=V, --name V, -name=V, -name V) before any "--" replaced by
// one --name=V1,V2,... placed where the first occurrence was. With fewer
// than two occurrences `args` is returned unchanged.
std::vector<std::string> MergeRepeatedFlag(const std::vector<std::string>& args,
                                           absl::string_view name);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_REPEATED_FLAGS_H_
