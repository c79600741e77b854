// The serving stack the request fuzzers drive: the shipped model repository
// (models/, so boston_housing version 1) loaded once by a real ModelManager
// with metrics on, a Predictor and a JSON gateway over it, exactly as
// regserve-server wires them (minus the transports).
#ifndef REGSERVE_FUZZ_FUZZ_ENV_H_
#define REGSERVE_FUZZ_FUZZ_ENV_H_

#include "server/http/json_gateway.h"
#include "server/metrics/server_metrics.h"
#include "server/repository/model_manager.h"
#include "server/repository/model_registry.h"
#include "server/serving/predictor.h"

namespace regserve::fuzz {

struct FuzzEnv {
  server::metrics::ServerMetrics metrics;
  server::ModelRegistry registry;
  server::ModelManager manager;
  server::Predictor predictor;
  server::http::JsonGateway gateway;

  FuzzEnv();
};

// Built on first use and never destroyed (no teardown races with libFuzzer's
// exit, nothing for LeakSanitizer to report: it stays reachable). Aborts if
// the shipped model does not load, since every input would be wasted.
FuzzEnv& Env();

}  // namespace regserve::fuzz

#endif  // REGSERVE_FUZZ_FUZZ_ENV_H_
