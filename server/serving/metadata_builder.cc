#include "server/serving/metadata_builder.h"

#include <string>

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

// Every input with its kind (and levels), and every term with its
// coefficient.
void FillInputsAndTerms(const model::LinearModel& model,
                        regserve::v1::GetModelMetadataResponse* response) {
  const model::InputEncoding& inputs = model.inputs();
  const auto observations = static_cast<double>(response->fit().observations());
  std::vector<std::string> term_feature = model.feature_names();
  std::vector<std::string> term_level(term_feature.size());
  for (const std::string& name : inputs.input_names()) {
    const model::InputRef* ref = inputs.Find(name);
    auto* input = response->add_inputs();
    input->set_name(name);
    if (!ref->categorical) {
      input->set_kind(regserve::v1::FEATURE_KIND_NUMERIC);
      continue;
    }
    input->set_kind(regserve::v1::FEATURE_KIND_CATEGORICAL);
    const model::Factor& factor = inputs.factors()[ref->index];
    for (size_t l = 0; l < factor.levels.size(); ++l) {
      auto* level = input->add_levels();
      level->set_name(factor.levels[l]);
      level->set_training_count(factor.counts[l]);
      if (observations > 0) {
        level->set_training_frequency(factor.counts[l] / observations);
      }
      if (l == 0) continue;
      term_feature[factor.term_indices[l - 1]] = name;
      term_level[factor.term_indices[l - 1]] = factor.levels[l];
    }
  }
  for (int t = 0; t < model.num_features(); ++t) {
    auto* term = response->add_terms();
    term->set_name(model.feature_names()[t]);
    term->set_coefficient(model.params().coefficients[t]);
    term->set_feature(term_feature[t]);
    term->set_level(term_level[t]);
  }
}

}  // namespace

void FillMetadata(const ServedModel& served,
                  const std::vector<int64_t>& loaded_versions,
                  regserve::v1::GetModelMetadataResponse* response) {
  const regserve::model::v1::LinearModel& a = served.artifact;
  response->mutable_model_spec()->set_name(a.name());
  response->mutable_model_spec()->set_version(a.version());
  response->set_target_name(a.target_name());
  response->set_model_type(a.model_type());
  response->set_intercept(a.intercept());
  FillFit(a, response->mutable_fit());
  // The numeric features only, paired one to one, as clients rely on.
  for (int t : served.model.inputs().numeric_terms()) {
    response->add_feature_names(a.feature_names(t));
    response->add_coefficients(a.coefficients(t));
    FillDomain(a.training_domain().features(t),
               response->add_feature_domains());
  }
  FillInputsAndTerms(served.model, response);
  FillDomain(a.training_domain().target(), response->mutable_target_domain());
  for (int64_t v : loaded_versions) response->add_loaded_versions(v);
  *response->mutable_created_time() = a.created_time();
  response->set_training_data_sha256(a.training_data().sha256());
}

}  // namespace regserve::server
