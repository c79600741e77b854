#include "server/repository/model_manager.h"

#include <filesystem>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "model/artifact_store.h"
#include "server/repository/model_config_reader.h"
#include "server/repository/version_loader.h"

namespace regserve::server {
namespace {

// Size and modification time of `path`, or "" if it does not exist. A failed
// version is retried only when this changes, so a half-copied file is read
// again once the copy completes, and a broken one is not re-logged forever.
std::string FileStamp(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return "";
  const auto mtime = std::filesystem::last_write_time(path, ec);
  return absl::StrCat(size, "@", mtime.time_since_epoch().count());
}

}  // namespace

ModelManager::ModelManager(ModelManagerOptions options, ModelRegistry* registry,
                           metrics::ServerMetrics* metrics,
                           std::function<void(bool)> on_serving)
    : options_(std::move(options)),
      registry_(registry),
      metrics_(metrics),
      on_serving_(std::move(on_serving)),
      states_(metrics),
      poller_(options_.poll_interval, [this] { (void)Reconcile(); }) {}

ModelManager::~ModelManager() { Stop(); }

absl::StatusOr<ModelManager::Plans> ModelManager::ReadPlans() const {
  Plans plans;
  if (options_.config_path.empty()) return plans;
  auto config = ReadModelConfig(options_.config_path);
  if (!config.ok()) return config.status();
  for (const auto& model : config->models()) {
    auto policy =
        VersionPolicy::FromProto(model.version_policy(), options_.policy);
    if (!policy.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(options_.config_path, ": model ", model.name(), ": ",
                       policy.status().message()));
    }
    ModelPlan& plan = plans[model.name()];
    plan.policy = *policy;
    plan.labels.insert(model.version_labels().begin(),
                       model.version_labels().end());
  }
  return plans;
}

absl::Status ModelManager::Reconcile() {
  const absl::Status status = ReconcilePass();
  absl::MutexLock lock(&passes_mu_);
  ++passes_;
  return status;
}

int64_t ModelManager::completed_passes() const {
  absl::MutexLock lock(&passes_mu_);
  return passes_;
}

bool ModelManager::AwaitPasses(int64_t passes, absl::Duration timeout) const {
  absl::MutexLock lock(&passes_mu_);
  auto reached = [this, passes]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(passes_mu_) {
    return passes_ >= passes;
  };
  return passes_mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

absl::Status ModelManager::ReconcilePass() {
  absl::MutexLock pass(&reconcile_mu_);
  auto plans = ReadPlans();
  auto names = plans.ok()
                   ? model::ListModelNames(options_.repository)
                   : absl::StatusOr<std::vector<std::string>>(plans.status());
  if (!names.ok()) {
    LOG(ERROR) << names.status().message()
               << "; keeping the models already loaded";
    return names.status();
  }
  const std::shared_ptr<const RegistrySnapshot> current = registry_->Current();
  absl::flat_hash_map<std::string, ModelVersions> models;
  absl::flat_hash_map<std::string, VersionLabels> labels;
  for (const std::string& name : *names) {
    auto plan = plans->find(name);
    const ModelPlan& p =
        plan == plans->end() ? ModelPlan{options_.policy, {}} : plan->second;
    ModelVersions chosen = ChooseVersions(name, p, *current);
    if (!chosen.empty()) models.emplace(name, std::move(chosen));
    if (!p.labels.empty()) labels.emplace(name, p.labels);
  }
  KeepModelsLeftWithoutVersions(*current, *plans, models, labels);
  auto next = std::make_shared<const RegistrySnapshot>(
      std::move(models), options_.default_model, std::move(labels));
  registry_->Publish(next);
  LogUnloads(*current, *next);
  states_.RecordPublished(*current, *next);
  states_.ForgetModels({names->begin(), names->end()}, *next);
  if (on_serving_) on_serving_(next->HasModel(options_.default_model));
  return absl::OkStatus();
}

ModelVersions ModelManager::ChooseVersions(const std::string& name,
                                           const ModelPlan& plan,
                                           const RegistrySnapshot& current) {
  std::vector<std::string> non_canonical;
  auto listed = model::ListVersions(options_.repository, name, &non_canonical);
  WarnOnceAboutNonCanonical(name, non_canonical);
  if (!listed.ok()) {
    LOG(ERROR) << listed.status().message() << "; keeping model " << name
               << " as it is";
    auto it = current.models().find(name);
    return it == current.models().end() ? ModelVersions{} : it->second;
  }
  states_.ForgetVanished(name, *listed);
  absl::flat_hash_set<int64_t> labelled;
  for (const auto& [label, version] : plan.labels) labelled.insert(version);
  ModelVersions chosen;
  int kept = 0;
  // Newest first: for "latest N", a version that fails to load lets the
  // next older one take its place, so a broken version never displaces a
  // working one.
  for (auto v = listed->rbegin(); v != listed->rend(); ++v) {
    const bool by_policy = plan.policy.kind == VersionPolicy::Kind::kSpecific
                               ? plan.policy.Lists(*v)
                               : kept < plan.policy.Limit();
    if (!by_policy && !labelled.contains(*v)) continue;
    std::shared_ptr<const ServedModel> served = Acquire(name, *v, current);
    if (served == nullptr) continue;
    chosen.emplace(*v, std::move(served));
    if (by_policy) ++kept;
  }
  return chosen;
}

std::shared_ptr<const ServedModel> ModelManager::Acquire(
    const std::string& name, int64_t version, const RegistrySnapshot& current) {
  if (auto m = current.models().find(name); m != current.models().end()) {
    if (auto v = m->second.find(version); v != m->second.end()) {
      return v->second;
    }
  }
  const std::string path =
      model::ArtifactPath(options_.repository, name, version);
  const std::string stamp = FileStamp(path);
  if (!states_.BeginLoad(name, version, stamp)) return nullptr;
  const absl::Time start = absl::Now();
  auto loaded = LoadVersion(options_.repository, name, version, metrics_);
  if (metrics_ != nullptr) metrics_->RecordLoad(name, loaded.ok());
  states_.EndLoad(name, version, stamp, loaded.status());
  if (!loaded.ok()) {
    LOG(ERROR) << "rejected model " << name << " version " << version << ": "
               << loaded.status().message();
    return nullptr;
  }
  LOG(INFO) << "loaded model " << name << " version " << version
            << " (validated and warmed up in "
            << absl::ToDoubleMilliseconds(absl::Now() - start) << " ms)";
  return *std::move(loaded);
}

void ModelManager::WarnOnceAboutNonCanonical(
    const std::string& name, const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs) {
    if (warned_non_canonical_.insert(absl::StrCat(name, "/", dir)).second) {
      LOG(WARNING) << "ignoring " << options_.repository << "/" << name << "/"
                   << dir << ": a version directory is named by its number "
                   << "as written without leading zeros or sign (e.g. '" << name
                   << "/2', not '" << name << "/0002')";
    }
  }
}

void ModelManager::LogUnloads(const RegistrySnapshot& before,
                              const RegistrySnapshot& after) const {
  for (const auto& [name, versions] : before.models()) {
    for (const auto& [version, served] : versions) {
      if (!after.models().contains(name) ||
          !after.models().at(name).contains(version)) {
        LOG(INFO) << "unloading model " << name << " version " << version
                  << " once no call holds it";
      }
    }
  }
}

void ModelManager::KeepModelsLeftWithoutVersions(
    const RegistrySnapshot& current, const Plans& plans,
    absl::flat_hash_map<std::string, ModelVersions>& models,
    absl::flat_hash_map<std::string, VersionLabels>& labels) {
  absl::flat_hash_set<std::string> kept;
  for (const auto& [name, versions] : current.models()) {
    if (models.contains(name)) continue;
    models.emplace(name, versions);
    if (auto plan = plans.find(name);
        plan != plans.end() && !plan->second.labels.empty()) {
      labels.emplace(name, plan->second.labels);
    }
    kept.insert(name);
    if (!kept_without_versions_.contains(name)) {
      LOG(WARNING) << "model " << name << " has no loadable version under "
                   << options_.repository
                   << " any more; keeping the loaded versions";
    }
  }
  for (const std::string& name : kept_without_versions_) {
    if (!kept.contains(name) && models.contains(name)) {
      LOG(INFO) << "model " << name << " has versions on disk again";
    }
  }
  kept_without_versions_ = std::move(kept);
}

void ModelManager::ListModels(
    regserve::v1::ListModelsResponse* response) const {
  states_.ListModels(*registry_->Current(), options_.default_model, response);
}

std::string ModelManager::DefaultModelProblem() const {
  const std::vector<std::string> reasons =
      states_.Reasons(options_.default_model);
  return absl::StrCat("default model '", options_.default_model,
                      "' has no loadable version under ", options_.repository,
                      reasons.empty() ? "" : ": ",
                      absl::StrJoin(reasons, "; "));
}

}  // namespace regserve::server
