#include "server/repository/version_states.h"

#include <string>

#include "model/artifact_store.h"

namespace regserve::server {

namespace v1 = ::regserve::v1;

bool VersionStates::BeginLoad(const std::string& name, int64_t version,
                              const std::string& stamp) {
  absl::MutexLock lock(&mu_);
  Record& record = states_[name][version];
  if (stamp.empty()) {  // still being written: not read until complete
    record = {v1::VERSION_STATE_LOADING,
              "waiting for " + std::string(model::kArtifactFileName),
              "",
              {}};
    return false;
  }
  if (record.state == v1::VERSION_STATE_FAILED && record.stamp == stamp) {
    return false;
  }
  record = {v1::VERSION_STATE_LOADING, "", "", {}};
  return true;
}

void VersionStates::EndLoad(const std::string& name, int64_t version,
                            const std::string& stamp,
                            const absl::Status& error) {
  absl::MutexLock lock(&mu_);
  states_[name][version] = error.ok()
                               ? Record{v1::VERSION_STATE_AVAILABLE, "", "", {}}
                               : Record{v1::VERSION_STATE_FAILED,
                                        std::string(error.message()),
                                        stamp,
                                        {}};
}

void VersionStates::RecordPublished(const RegistrySnapshot& before,
                                    const RegistrySnapshot& after) {
  absl::MutexLock lock(&mu_);
  for (const auto& [name, versions] : before.models()) {
    for (const auto& [version, served] : versions) {
      if (after.models().contains(name) &&
          after.models().at(name).contains(version)) {
        continue;
      }
      states_[name][version] = {v1::VERSION_STATE_UNLOADING, "", "", served};
      if (metrics_ != nullptr) metrics_->SetLoaded(name, version, false);
    }
  }
  for (const auto& [name, versions] : after.models()) {
    for (const auto& [version, served] : versions) {
      states_[name][version] = {v1::VERSION_STATE_AVAILABLE, "", "", {}};
      if (metrics_ != nullptr) metrics_->SetLoaded(name, version, true);
    }
  }
}

void VersionStates::ForgetVanished(const std::string& name,
                                   const std::vector<int64_t>& on_disk) {
  const absl::flat_hash_set<int64_t> present(on_disk.begin(), on_disk.end());
  absl::MutexLock lock(&mu_);
  auto& versions = states_[name];
  for (auto it = versions.begin(); it != versions.end();) {
    const Record& r = it->second;
    const bool gone = r.state == v1::VERSION_STATE_UNLOADING
                          ? r.unloading.expired()
                          : !present.contains(it->first) &&
                                r.state != v1::VERSION_STATE_AVAILABLE;
    if (gone) {
      versions.erase(it++);
    } else {
      ++it;
    }
  }
}

void VersionStates::ForgetModels(
    const absl::flat_hash_set<std::string>& present,
    const RegistrySnapshot& next) {
  absl::MutexLock lock(&mu_);
  for (auto it = states_.begin(); it != states_.end();) {
    if (!present.contains(it->first) && !next.HasModel(it->first)) {
      states_.erase(it++);
    } else {
      ++it;
    }
  }
}

void VersionStates::ListModels(const RegistrySnapshot& snapshot,
                               const std::string& default_model,
                               v1::ListModelsResponse* response) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [name, versions] : states_) {
    if (versions.empty()) continue;
    v1::ModelStatus* model = response->add_models();
    model->set_name(name);
    model->set_is_default(name == default_model);
    for (const auto& [version, record] : versions) {
      if (record.state == v1::VERSION_STATE_UNLOADING &&
          record.unloading.expired()) {
        continue;  // already freed
      }
      v1::VersionStatus* status = model->add_versions();
      status->set_version(version);
      status->set_state(record.state);
      status->set_reason(record.reason);
    }
    for (const auto& [label, version] : snapshot.Labels(name)) {
      (*model->mutable_version_labels())[label] = version;
    }
  }
}

std::vector<std::string> VersionStates::Reasons(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> reasons;
  if (auto it = states_.find(name); it != states_.end()) {
    for (const auto& [version, record] : it->second) {
      if (!record.reason.empty()) reasons.push_back(record.reason);
    }
  }
  return reasons;
}

}  // namespace regserve::server
