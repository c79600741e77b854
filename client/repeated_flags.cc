#include "client/repeated_flags.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace regserve::client {
namespace {

// The value of `arg` if it is --name=V or -name=V.
std::optional<std::string> InlineValue(absl::string_view arg,
                                       absl::string_view name) {
  for (absl::string_view dashes : {"--", "-"}) {
    const std::string prefix = absl::StrCat(dashes, name, "=");
    if (absl::StartsWith(arg, prefix)) {
      return std::string(arg.substr(prefix.size()));
    }
  }
  return std::nullopt;
}

// True if `arg` is --name or -name, whose value is the next argument.
bool IsBareFlag(absl::string_view arg, absl::string_view name) {
  return arg == absl::StrCat("--", name) || arg == absl::StrCat("-", name);
}

}  // namespace

std::vector<std::string> MergeRepeatedFlag(const std::vector<std::string>& args,
                                           absl::string_view name) {
  std::vector<std::string> merged;
  std::vector<std::string> values;
  size_t first_position = 0;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i > 0 && arg == "--") {
      break;
    }
    std::optional<std::string> value = InlineValue(arg, name);
    if (i > 0 && !value && IsBareFlag(arg, name) && i + 1 < args.size()) {
      value = args[++i];
    }
    if (i == 0 || !value) {
      merged.push_back(arg);
      continue;
    }
    if (values.empty()) {
      first_position = merged.size();
    }
    values.push_back(*std::move(value));
  }
  if (values.size() < 2) {
    return args;
  }
  merged.insert(merged.begin() + first_position,
                absl::StrCat("--", name, "=", absl::StrJoin(values, ",")));
  merged.insert(merged.end(), args.begin() + i, args.end());
  return merged;
}

}  // namespace regserve::client
