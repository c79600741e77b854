// Bytes -> ParseModelConfig (--model_config): JSON when the first byte is
// '{', protobuf text otherwise; then each model's version policy, as the
// ModelManager reads its plans.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "server/repository/model_config_reader.h"
#include "server/repository/version_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const bool json = size > 0 && data[0] == '{';
  auto config = regserve::server::ParseModelConfig(
      text, json ? "fuzz.json" : "fuzz.txtpb", json);
  if (!config.ok()) return 0;
  static const regserve::server::VersionPolicy kFallback;
  for (const auto& model : config->models()) {
    FUZZ_CHECK(!model.name().empty());
    for (const auto& [label, version] : model.version_labels()) {
      FUZZ_CHECK(!label.empty() && version >= 1);
    }
    auto policy = regserve::server::VersionPolicy::FromProto(
        model.version_policy(), kFallback);
    if (!policy.ok()) continue;
    (void)policy->ToString();
    (void)policy->Limit();
    (void)policy->Lists(1);
  }
  return 0;
}
