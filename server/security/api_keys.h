// API keys: who may call what. Callers send "authorization: Bearer <key>"
// (gRPC metadata or the HTTP header); the keys file (--api_keys_file) holds
// only each key's SHA-256, with the methods and models it may use.
#ifndef REGSERVE_SERVER_SECURITY_API_KEYS_H_
#define REGSERVE_SERVER_SECURITY_API_KEYS_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace regserve::server::security {

// One key's grant. "*" in a set grants everything of that kind.
struct KeyGrant {
  std::string name;
  std::array<unsigned char, 32> sha256{};
  absl::flat_hash_set<std::string> methods;
  absl::flat_hash_set<std::string> models;
};

using KeySet = std::vector<KeyGrant>;

// Parses a keys file (protobuf text, or JSON if it ends in .json; schema in
// proto/regserve/config/v1/api_keys.proto). Errors name the file and key.
absl::StatusOr<std::shared_ptr<const KeySet>> ReadKeyFile(
    const std::string& path);

// The current keys, swapped atomically on Reload(). Thread-safe; checks
// take no lock.
class ApiKeyStore {
 public:
  // Reads `path` once; fails like ReadKeyFile.
  static absl::StatusOr<std::unique_ptr<ApiKeyStore>> Open(std::string path);

  // Re-reads the file; on error keeps the keys it had and returns the error.
  absl::Status Reload();

  // The caller's key is known: UNAUTHENTICATED if the header is missing,
  // malformed or names no key. Returns the key's grant on success.
  absl::StatusOr<std::shared_ptr<const KeyGrant>> Authenticate(
      absl::string_view authorization) const;
  // Authenticate, then PERMISSION_DENIED unless the key may call `method`
  // on `model` ("" = a call that names no model, such as ListModels).
  absl::Status Authorize(absl::string_view authorization,
                         absl::string_view method,
                         absl::string_view model) const;

 private:
  explicit ApiKeyStore(std::string path) : path_(std::move(path)) {}
  const std::string path_;
  std::atomic<std::shared_ptr<const KeySet>> keys_;
};

}  // namespace regserve::server::security

#endif  // REGSERVE_SERVER_SECURITY_API_KEYS_H_
