// The set of models being served, as immutable snapshots swapped atomically.
//
// Readers (every call) take a snapshot with one atomic load and keep it for
// the whole call, so a reload never blocks or changes a call in flight.
// Writers (the ModelManager) build a complete new snapshot off the serving
// path and publish it.
#ifndef REGSERVE_SERVER_REPOSITORY_MODEL_REGISTRY_H_
#define REGSERVE_SERVER_REPOSITORY_MODEL_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/repository/served_model.h"

namespace regserve::server {

// The loaded versions of one model, ascending by version.
using ModelVersions = std::map<int64_t, std::shared_ptr<const ServedModel>>;
// Version labels of one model ("stable" -> 3).
using VersionLabels = absl::flat_hash_map<std::string, int64_t>;

// One consistent view of every loaded model. Immutable; thread-safe.
// INVALID_ARGUMENT if a model spec names both a version and a label: the
// one statement of that rule, for request validation and lookups alike.
absl::Status CheckVersionOrLabel(int64_t version, absl::string_view label);

class RegistrySnapshot {
 public:
  RegistrySnapshot(absl::flat_hash_map<std::string, ModelVersions> models,
                   std::string default_model,
                   absl::flat_hash_map<std::string, VersionLabels> labels = {});

  // The model for `name` ("" = default) and `version` (0 = latest) or
  // `label`. NOT_FOUND names what was asked for and what is loaded;
  // INVALID_ARGUMENT if both version and label are set. The pointer is
  // valid while this snapshot is alive.
  absl::StatusOr<const ServedModel*> Find(absl::string_view name,
                                          int64_t version,
                                          absl::string_view label = "") const;
  // Loaded versions of `name` ("" = default), ascending; empty if unknown.
  std::vector<int64_t> Versions(absl::string_view name) const;
  // Loaded model names, sorted.
  std::vector<std::string> ModelNames() const;
  // Labels of `name` ("" = default); empty if none.
  const VersionLabels& Labels(absl::string_view name) const;
  const std::string& default_model() const { return default_model_; }
  bool HasModel(absl::string_view name) const;
  // Every loaded model and version.
  const absl::flat_hash_map<std::string, ModelVersions>& models() const {
    return models_;
  }

 private:
  absl::StatusOr<int64_t> ResolveLabel(absl::string_view model,
                                       absl::string_view label) const;

  absl::flat_hash_map<std::string, ModelVersions> models_;
  std::string default_model_;
  absl::flat_hash_map<std::string, VersionLabels> labels_;
};

// Holds the current snapshot. Thread-safe; Current() takes no mutex (libstdc++
// implements atomic<shared_ptr> with a spin bit held for a pointer copy).
class ModelRegistry {
 public:
  ModelRegistry();
  std::shared_ptr<const RegistrySnapshot> Current() const {
    return current_.load(std::memory_order_acquire);
  }
  void Publish(std::shared_ptr<const RegistrySnapshot> snapshot) {
    current_.store(std::move(snapshot), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const RegistrySnapshot>> current_;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_MODEL_REGISTRY_H_
