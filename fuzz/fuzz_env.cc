#include "fuzz/fuzz_env.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/time/time.h"

namespace regserve::fuzz {
namespace {

// The server's default --max_batch_rows.
constexpr int64_t kMaxBatchRows = 100000;

server::ModelManagerOptions Options() {
  server::ModelManagerOptions options;
  // REGSERVE_FUZZ_MODELS overrides the repository (e.g. to fuzz another
  // model); the default is the source tree's models/.
  const char* repo = std::getenv("REGSERVE_FUZZ_MODELS");
  options.repository =
      repo != nullptr ? std::string(repo)
                      : std::string(REGSERVE_SOURCE_DIR) + "/models";
  options.default_model = "boston_housing";
  options.poll_interval = absl::ZeroDuration();  // no poller thread
  return options;
}

}  // namespace

FuzzEnv::FuzzEnv()
    : manager(Options(), &registry, &metrics),
      predictor(&registry, kMaxBatchRows, &metrics),
      gateway(&predictor, &manager, /*keys=*/nullptr, [] { return true; }) {
  absl::Status status = manager.Reconcile();
  if (!status.ok() || !registry.Current()->HasModel("boston_housing")) {
    std::fprintf(stderr, "fuzz: cannot load the model repository: %s %s\n",
                 status.ToString().c_str(),
                 manager.DefaultModelProblem().c_str());
    std::abort();
  }
}

FuzzEnv& Env() {
  static FuzzEnv* env = new FuzzEnv();
  return *env;
}

}  // namespace regserve::fuzz
