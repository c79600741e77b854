// A loaded model version: the serving math plus its artifact's descriptive
// fields (fit metrics, provenance) for metadata.
#ifndef REGSERVE_SERVER_REPOSITORY_SERVED_MODEL_H_
#define REGSERVE_SERVER_REPOSITORY_SERVED_MODEL_H_

#include <memory>

#include "model/linear_model.h"
#include "regserve/model/v1/linear_model.pb.h"
#include "server/metrics/model_metrics.h"

namespace regserve::server {

// Immutable once built; shared by snapshots through shared_ptr.
struct ServedModel {
  model::LinearModel model;
  regserve::model::v1::LinearModel artifact;
  // Per version metric handles; null when metrics are off.
  std::shared_ptr<const metrics::ModelMetrics> metrics;
};

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_SERVED_MODEL_H_
