// --help setup shared by the binaries.
#ifndef REGSERVE_COMMON_PROGRAM_USAGE_H_
#define REGSERVE_COMMON_PROGRAM_USAGE_H_

#include "absl/strings/string_view.h"

namespace regserve::common {

// Sets the usage text and makes --help list the flags defined in
// `main_file` (pass __FILE__ from the binary's main.cc). By default absl
// lists only flags from a file named after the binary, which matches none
// of ours. Call before absl::ParseCommandLine.
void InitProgramUsage(absl::string_view usage, const char* main_file);

}  // namespace regserve::common

#endif  // REGSERVE_COMMON_PROGRAM_USAGE_H_
