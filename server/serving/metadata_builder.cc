#include "server/serving/metadata_builder.h"

namespace regserve::server {
namespace {

void FillDomain(const regserve::model::v1::ColumnDomain& in,
                regserve::v1::FeatureDomain* out) {
  out->set_name(in.name());
  out->set_min(in.min());
  out->set_max(in.max());
  out->set_mean(in.mean());
  out->set_stddev(in.stddev());
}

void FillFit(const regserve::model::v1::LinearModel& a,
             regserve::v1::FitMetrics* fit) {
  const auto& s = a.statistics();
  fit->set_observations(s.observations());
  fit->set_residual_std_error(s.residual_std_error());
  fit->set_residual_df(s.residual_df());
  fit->set_r_squared(s.r_squared());
  fit->set_adjusted_r_squared(s.adjusted_r_squared());
  fit->set_rmse(s.rmse());
  fit->set_mae(s.mae());
  fit->set_cv_rmse(a.cross_validation().rmse());
  fit->set_cv_r_squared(a.cross_validation().r_squared());
}

}  // namespace

void FillMetadata(const ServedModel& served,
                  const std::vector<int64_t>& loaded_versions,
                  regserve::v1::GetModelMetadataResponse* response) {
  const regserve::model::v1::LinearModel& a = served.artifact;
  response->mutable_model_spec()->set_name(a.name());
  response->mutable_model_spec()->set_version(a.version());
  *response->mutable_feature_names() = a.feature_names();
  response->set_target_name(a.target_name());
  response->set_model_type(a.model_type());
  response->set_intercept(a.intercept());
  *response->mutable_coefficients() = a.coefficients();
  FillFit(a, response->mutable_fit());
  for (const auto& d : a.training_domain().features()) {
    FillDomain(d, response->add_feature_domains());
  }
  FillDomain(a.training_domain().target(), response->mutable_target_domain());
  for (int64_t v : loaded_versions) response->add_loaded_versions(v);
  *response->mutable_created_time() = a.created_time();
  response->set_training_data_sha256(a.training_data().sha256());
}

}  // namespace regserve::server
