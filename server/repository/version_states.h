// What ListModels reports: the state of every version of every model the
// manager has seen (LOADING, AVAILABLE, UNLOADING, FAILED with a reason),
// kept beside the registry, which holds only what serves.
#ifndef REGSERVE_SERVER_REPOSITORY_VERSION_STATES_H_
#define REGSERVE_SERVER_REPOSITORY_VERSION_STATES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "regserve/v1/prediction_service.pb.h"
#include "server/metrics/server_metrics.h"
#include "server/repository/model_registry.h"

namespace regserve::server {

// Thread-safe: the manager's pass writes, ListModels callers read. The
// metrics (may be null) must outlive it.
class VersionStates {
 public:
  explicit VersionStates(metrics::ServerMetrics* metrics) : metrics_(metrics) {}

  // Before loading `name`/`version`, whose artifact has `stamp` (its size
  // and mtime, "" if the file does not exist yet): whether to load it now.
  // No while the file is missing (LOADING, "waiting for model.json") or
  // while it is the same file that already failed; else it is LOADING.
  bool BeginLoad(const std::string& name, int64_t version,
                 const std::string& stamp);
  // The load's outcome: AVAILABLE, or FAILED with `error` (retried once the
  // file's stamp changes).
  void EndLoad(const std::string& name, int64_t version,
               const std::string& stamp, const absl::Status& error);
  // After publishing `after` in place of `before`: what left the registry is
  // UNLOADING until the last call holding it ends, what is in it AVAILABLE;
  // the loaded-version gauge follows.
  void RecordPublished(const RegistrySnapshot& before,
                       const RegistrySnapshot& after);
  // Forgets versions of `name` no longer on disk (unless serving) and
  // unloaded versions already freed.
  void ForgetVanished(const std::string& name,
                      const std::vector<int64_t>& on_disk);
  // Forgets models neither in `present` (on disk) nor serving in `next`.
  void ForgetModels(const absl::flat_hash_set<std::string>& present,
                    const RegistrySnapshot& next);

  // Every known model with its versions' states and `snapshot`'s labels.
  void ListModels(const RegistrySnapshot& snapshot,
                  const std::string& default_model,
                  regserve::v1::ListModelsResponse* response) const;
  // The reasons recorded against `name`'s versions (why it cannot serve).
  std::vector<std::string> Reasons(const std::string& name) const;

 private:
  struct Record {
    regserve::v1::VersionState state = regserve::v1::VERSION_STATE_LOADING;
    std::string reason;
    std::string stamp;  // the artifact's size and mtime when it failed
    std::weak_ptr<const ServedModel> unloading;
  };

  metrics::ServerMetrics* const metrics_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::map<int64_t, Record>> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_VERSION_STATES_H_
