#include "server/security/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/echo.h"
#include "common/logging.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "regserve/config/v1/api_keys.pb.h"

namespace regserve::server::security {
namespace {

std::array<unsigned char, 32> Sha256(absl::string_view bytes) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(),
             nullptr);
  return digest;
}

absl::StatusOr<KeyGrant> ToGrant(const regserve::config::v1::ApiKey& key,
                                 const std::string& path) {
  KeyGrant grant;
  grant.name = key.name();
  const std::string hex = absl::AsciiStrToLower(key.sha256());
  const std::string bytes = absl::HexStringToBytes(hex);
  if (key.name().empty() || hex.size() != 64 ||
      absl::BytesToHexString(bytes) != hex) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": key '", key.name(),
                     "' needs a name and a 64-digit hex sha256"));
  }
  std::copy(bytes.begin(), bytes.end(), grant.sha256.begin());
  grant.methods.insert(key.methods().begin(), key.methods().end());
  grant.models.insert(key.models().begin(), key.models().end());
  return grant;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const KeySet>> ReadKeyFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream text;
  text << in.rdbuf();
  regserve::config::v1::ApiKeysConfig config;
  const bool parsed =
      absl::EndsWith(path, ".json")
          ? google::protobuf::util::JsonStringToMessage(text.str(), &config)
                .ok()
          : google::protobuf::TextFormat::ParseFromString(text.str(), &config);
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a valid ApiKeysConfig"));
  }
  auto keys = std::make_shared<KeySet>();
  absl::flat_hash_set<std::string> names;
  for (const auto& key : config.keys()) {
    auto grant = ToGrant(key, path);
    if (!grant.ok()) return grant.status();
    if (!names.insert(grant->name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": key name '", grant->name, "' appears twice"));
    }
    keys->push_back(*std::move(grant));
  }
  return keys;
}

absl::StatusOr<std::unique_ptr<ApiKeyStore>> ApiKeyStore::Open(
    std::string path) {
  std::unique_ptr<ApiKeyStore> store(new ApiKeyStore(std::move(path)));
  auto keys = ReadKeyFile(store->path_);
  if (!keys.ok()) return keys.status();
  store->keys_.store(*std::move(keys));
  return store;
}

absl::Status ApiKeyStore::Reload() {
  auto keys = ReadKeyFile(path_);
  if (!keys.ok()) {
    LOG(ERROR) << keys.status().message() << "; keeping the previous keys";
    return keys.status();
  }
  LOG(INFO) << "loaded " << (*keys)->size() << " API keys from " << path_;
  keys_.store(*std::move(keys));
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const KeyGrant>> ApiKeyStore::Authenticate(
    absl::string_view authorization) const {
  absl::string_view key = absl::StripAsciiWhitespace(authorization);
  if (key.empty()) {
    return absl::UnauthenticatedError(
        "missing API key: send 'authorization: Bearer <key>'");
  }
  if (key.size() < 7 || !absl::EqualsIgnoreCase(key.substr(0, 7), "bearer ")) {
    return absl::UnauthenticatedError("authorization must be 'Bearer <key>'");
  }
  const auto digest = Sha256(absl::StripAsciiWhitespace(key.substr(7)));
  const std::shared_ptr<const KeySet> keys = keys_.load();
  // Compare against every key in constant time, without stopping at a
  // match, so timing reveals neither the key nor which entry it is.
  const KeyGrant* match = nullptr;
  for (const KeyGrant& grant : *keys) {
    if (CRYPTO_memcmp(digest.data(), grant.sha256.data(), digest.size()) == 0) {
      match = &grant;
    }
  }
  if (match == nullptr) return absl::UnauthenticatedError("unknown API key");
  return std::shared_ptr<const KeyGrant>(keys, match);
}

absl::Status ApiKeyStore::Authorize(absl::string_view authorization,
                                    absl::string_view method,
                                    absl::string_view model) const {
  auto grant = Authenticate(authorization);
  if (!grant.ok()) return grant.status();
  const KeyGrant& g = **grant;
  const bool method_ok = g.methods.contains("*") || g.methods.contains(method);
  const bool model_ok =
      model.empty() || g.models.contains("*") || g.models.contains(model);
  if (method_ok && model_ok) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "API key '", g.name, "' may not call ", method,
      model.empty() ? ""
                    : absl::StrCat(" on model '", common::Echo(model), "'")));
}

}  // namespace regserve::server::security
