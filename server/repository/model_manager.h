// Keeps the registry in step with the model repository and the model config:
// loads new versions off the serving path, applies version policies and
// labels, unloads what falls out, and publishes each result atomically.
#ifndef REGSERVE_SERVER_REPOSITORY_MODEL_MANAGER_H_
#define REGSERVE_SERVER_REPOSITORY_MODEL_MANAGER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "regserve/v1/prediction_service.pb.h"
#include "server/metrics/server_metrics.h"
#include "server/repository/model_registry.h"
#include "server/repository/repository_poller.h"
#include "server/repository/version_policy.h"
#include "server/repository/version_states.h"

namespace regserve::server {

struct ModelManagerOptions {
  std::string repository = "models";
  std::string default_model = "boston_housing";
  // Optional model config (protobuf text, or JSON if it ends in .json).
  std::string config_path;
  // Server-wide version policy; the config may override it per model.
  VersionPolicy policy;
  // Repository poll period; zero polls only on RequestReload (SIGHUP).
  absl::Duration poll_interval = absl::Seconds(5);
};

// Thread-safe. Reconcile() runs one pass at a time (from the poller thread,
// or directly at start-up and in tests); ListModels() may run concurrently.
// The registry and metrics (may be null) must outlive the manager. The
// version states live in VersionStates, the poll thread in
// RepositoryPoller; this class scans, chooses, loads and publishes.
class ModelManager {
 public:
  // `on_serving` is told after every pass whether the default model has a
  // serving version (the health status).
  ModelManager(ModelManagerOptions options, ModelRegistry* registry,
               metrics::ServerMetrics* metrics,
               std::function<void(bool)> on_serving = nullptr);
  ~ModelManager();
  ModelManager(const ModelManager&) = delete;
  ModelManager& operator=(const ModelManager&) = delete;

  // One pass: read the config and the repository, load what is new, drop
  // what is gone, publish. A broken version never replaces a working one:
  // it is marked FAILED and the policy falls back to older versions. If the
  // config or the repository cannot be read, nothing changes and the error
  // is returned.
  absl::Status Reconcile();
  // Starts the poller thread (every poll_interval, and on RequestReload).
  void StartPolling() { poller_.Start(); }
  // Asks the poller for a pass now (SIGHUP).
  void RequestReload() { poller_.RequestPass(); }
  // Stops and joins the poller. Idempotent.
  void Stop() { poller_.Stop(); }

  // Passes completed so far: every Reconcile(), whatever its result.
  int64_t completed_passes() const;
  // Blocks until at least `passes` passes have completed (true) or
  // `timeout` has passed (false). Lets tests and tools wait for the event
  // "the repository was looked at again" instead of sleeping.
  bool AwaitPasses(int64_t passes, absl::Duration timeout) const;

  // Every known model with its versions' states and its labels.
  void ListModels(regserve::v1::ListModelsResponse* response) const;
  // Why the default model has no serving version (for start-up errors).
  std::string DefaultModelProblem() const;

 private:
  struct ModelPlan {
    VersionPolicy policy;
    VersionLabels labels;
  };
  using Plans = absl::flat_hash_map<std::string, ModelPlan>;

  absl::Status ReconcilePass();
  absl::StatusOr<Plans> ReadPlans() const;
  ModelVersions ChooseVersions(const std::string& name, const ModelPlan& plan,
                               const RegistrySnapshot& current)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(reconcile_mu_);
  std::shared_ptr<const ServedModel> Acquire(const std::string& name,
                                             int64_t version,
                                             const RegistrySnapshot& current);
  // A model that was serving and has no version left to choose (its
  // version directories or its whole directory deleted, as `rm -rf` does
  // on the way to deleting the repository) keeps its loaded versions:
  // files vanishing never take a model down to nothing. Removing one
  // version still rolls back to the others.
  void KeepModelsLeftWithoutVersions(
      const RegistrySnapshot& current, const Plans& plans,
      absl::flat_hash_map<std::string, ModelVersions>& models,
      absl::flat_hash_map<std::string, VersionLabels>& labels)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(reconcile_mu_);
  void LogUnloads(const RegistrySnapshot& before,
                  const RegistrySnapshot& after) const;
  // Version directories named by a number not in canonical form are never
  // loaded (their path could not be built from the number): said once each.
  void WarnOnceAboutNonCanonical(const std::string& name,
                                 const std::vector<std::string>& dirs)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(reconcile_mu_);

  const ModelManagerOptions options_;
  ModelRegistry* registry_;
  metrics::ServerMetrics* metrics_;
  std::function<void(bool)> on_serving_;
  VersionStates states_;

  absl::Mutex reconcile_mu_;  // one pass at a time
  // Models kept by KeepModelsLeftWithoutVersions in the last pass (logged
  // once each, not every poll).
  absl::flat_hash_set<std::string> kept_without_versions_
      ABSL_GUARDED_BY(reconcile_mu_);
  // "model/dir" of non-canonical version directories already warned about.
  absl::flat_hash_set<std::string> warned_non_canonical_
      ABSL_GUARDED_BY(reconcile_mu_);
  mutable absl::Mutex passes_mu_;
  int64_t passes_ ABSL_GUARDED_BY(passes_mu_) = 0;
  // Declared last: stopped (joined) first, before what its passes use.
  RepositoryPoller poller_;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_MODEL_MANAGER_H_
