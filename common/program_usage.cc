#include "common/program_usage.h"

#include <string>

#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"

namespace regserve::common {

void InitProgramUsage(absl::string_view usage, const char* main_file) {
  absl::FlagsUsageConfig config;
  // absl hands the filter flag file names with leading slashes removed.
  const absl::string_view path(main_file);
  const std::string file(path.substr(path.find_first_not_of('/')));
  config.contains_help_flags = [file](absl::string_view flag_file) {
    return flag_file == file;
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(usage);
}

}  // namespace regserve::common
