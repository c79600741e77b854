#include "common/echo.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace regserve::common {

std::string Echo(absl::string_view text, size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  size_t cut = max_chars;
  // Back up over UTF-8 continuation bytes (10xxxxxx) to a character start.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return absl::StrCat(text.substr(0, cut), "... (", text.size() - cut,
                      " more bytes)");
}

std::string EchoList(const std::vector<std::string>& items) {
  std::string out;
  const size_t shown = std::min(items.size(), kMaxEchoedItems);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += ", ";
    out += Echo(items[i]);
  }
  if (items.size() > shown) {
    absl::StrAppend(&out, " and ", items.size() - shown, " more");
  }
  return out;
}

}  // namespace regserve::common
