#include "model/artifact.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/build_info.h"
#include "common/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace regserve::model {
namespace {

using ArtifactProto = ::regserve::model::v1::LinearModel;

// Stored samples were predicted by the same formula; only rounding in the
// JSON round trip (none: doubles print exactly) or a changed model differs.
constexpr double kSampleTolerance = 1e-9;

void ToProto(const ColumnDomain& d, v1::ColumnDomain* out) {
  out->set_name(d.name);
  out->set_min(d.min);
  out->set_max(d.max);
  out->set_mean(d.mean);
  out->set_stddev(d.stddev);
}

ColumnDomain FromProto(const v1::ColumnDomain& d) {
  return ColumnDomain{d.name(), d.min(), d.max(), d.mean(), d.stddev()};
}

void FillStatistics(const FitResult& fit, v1::FitStatistics* s) {
  const LinearModelParams& p = fit.params;
  s->set_observations(fit.statistics.observations);
  s->set_intercept_std_error(fit.statistics.intercept_std_error);
  for (double se : fit.statistics.coefficient_std_errors) {
    s->add_coefficient_std_errors(se);
  }
  s->set_residual_std_error(p.residual_std_error);
  s->set_residual_df(p.residual_df);
  s->set_r_squared(fit.statistics.r_squared);
  s->set_adjusted_r_squared(fit.statistics.adjusted_r_squared);
  s->set_rmse(fit.statistics.rmse);
  s->set_mae(fit.statistics.mae);
  const Eigen::MatrixXd& c = p.unscaled_covariance;
  for (Eigen::Index i = 0; i < c.rows(); ++i) {
    for (Eigen::Index j = 0; j < c.cols(); ++j) {
      s->add_unscaled_covariance(c(i, j));
    }
  }
}

absl::StatusOr<LinearModelParams> ParamsFromProto(const ArtifactProto& a) {
  LinearModelParams p;
  p.name = a.name();
  p.version = a.version();
  p.model_type = a.model_type();
  p.feature_names.assign(a.feature_names().begin(), a.feature_names().end());
  p.target_name = a.target_name();
  p.intercept = a.intercept();
  p.coefficients = Eigen::Map<const Eigen::VectorXd>(a.coefficients().data(),
                                                     a.coefficients_size());
  const auto n = static_cast<Eigen::Index>(p.feature_names.size() + 1);
  const auto& cov = a.statistics().unscaled_covariance();
  if (cov.size() != n * n) {
    return absl::InvalidArgumentError(
        absl::StrCat("statistics.unscaled_covariance has ", cov.size(),
                     " values, expected ", n * n, " for ", n - 1, " features"));
  }
  p.unscaled_covariance = Eigen::Map<const RowMajorMatrix>(cov.data(), n, n);
  p.residual_std_error = a.statistics().residual_std_error();
  p.residual_df = a.statistics().residual_df();
  for (const v1::ColumnDomain& d : a.training_domain().features()) {
    p.feature_domains.push_back(FromProto(d));
  }
  p.target_domain = FromProto(a.training_domain().target());
  p.input_names.assign(a.input_names().begin(), a.input_names().end());
  for (const v1::CategoricalFeature& c : a.categorical_features()) {
    Factor f;
    f.name = c.name();
    f.levels.assign(c.levels().begin(), c.levels().end());
    f.counts.assign(c.level_counts().begin(), c.level_counts().end());
    f.term_indices.assign(c.term_indices().begin(), c.term_indices().end());
    p.factors.push_back(std::move(f));
  }
  return p;
}

absl::Status VerifySamples(const regserve::model::LinearModel& model,
                           const ArtifactProto& a) {
  for (int i = 0; i < a.samples_size(); ++i) {
    const v1::SampleRow& row = a.samples(i);
    if (row.features_size() != model.num_features()) {
      return absl::InvalidArgumentError(
          absl::StrCat("samples[", i, "] has ", row.features_size(),
                       " values, expected ", model.num_features()));
    }
    const double got = model.Predict(row.features());
    const double want = row.prediction();
    if (!(std::fabs(got - want) <= kSampleTolerance * (1 + std::fabs(want)))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "samples[", i, "] predicts ", got, " but the artifact says ", want,
          ": coefficients and samples disagree"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

ArtifactProto BuildArtifact(const FitResult& fit, const TrainingSet& set,
                            const TrainingProvenance& provenance,
                            const std::optional<CrossValidationResult>& cv,
                            absl::Time created) {
  const LinearModelParams& p = fit.params;
  ArtifactProto a;
  a.set_format_version(p.factors.empty() ? kArtifactFormatVersion
                                         : kCategoricalFormatVersion);
  a.set_name(p.name);
  a.set_version(p.version);
  a.set_model_type(p.model_type);
  for (const std::string& f : p.feature_names) a.add_feature_names(f);
  a.set_target_name(p.target_name);
  a.set_intercept(p.intercept);
  for (double c : p.coefficients) a.add_coefficients(c);
  FillStatistics(fit, a.mutable_statistics());
  for (const ColumnDomain& d : p.feature_domains) {
    ToProto(d, a.mutable_training_domain()->add_features());
  }
  ToProto(p.target_domain, a.mutable_training_domain()->mutable_target());
  a.mutable_training_data()->set_source(provenance.source);
  a.mutable_training_data()->set_sha256(provenance.sha256);
  a.mutable_training_data()->set_rows(set.x.rows());
  v1::TrainerSettings* t = a.mutable_trainer();
  t->set_ridge_lambda(provenance.ridge_lambda);
  t->set_cv_folds(provenance.cv_folds);
  t->set_cv_seed(provenance.cv_seed);
  t->set_trainer_version(common::kVersion);
  *a.mutable_created_time() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(created));
  for (Eigen::Index r = 0;
       r < std::min<Eigen::Index>(kSampleRows, set.x.rows()); ++r) {
    v1::SampleRow* row = a.add_samples();
    for (Eigen::Index j = 0; j < set.x.cols(); ++j) {
      row->add_features(set.x(r, j));
    }
    row->set_prediction(p.intercept + set.x.row(r).dot(p.coefficients));
  }
  for (const std::string& input : p.input_names) a.add_input_names(input);
  for (const Factor& f : p.factors) {
    v1::CategoricalFeature* c = a.add_categorical_features();
    c->set_name(f.name);
    for (const std::string& level : f.levels) c->add_levels(level);
    for (int64_t count : f.counts) c->add_level_counts(count);
    for (int term : f.term_indices) c->add_term_indices(term);
  }
  if (cv) {
    v1::CrossValidation* c = a.mutable_cross_validation();
    c->set_folds(cv->folds);
    c->set_seed(cv->seed);
    c->set_rmse(cv->rmse);
    c->set_mae(cv->mae);
    c->set_r_squared(cv->r_squared);
  }
  return a;
}

absl::StatusOr<regserve::model::LinearModel> ModelFromArtifact(
    const ArtifactProto& artifact) {
  // Version 2 says "has categorical features": a reader of version 1 only
  // would otherwise serve such a model without them.
  const int expected = artifact.categorical_features_size() > 0
                           ? kCategoricalFormatVersion
                           : kArtifactFormatVersion;
  if (artifact.format_version() != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("format_version is ", artifact.format_version(),
                     ", expected ", expected,
                     artifact.categorical_features_size() > 0
                         ? " for a model with categorical features"
                         : " (this build reads 1, and 2 with categorical "
                           "features)"));
  }
  if (artifact.version() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "version must be a positive integer, is ", artifact.version()));
  }
  ASSIGN_OR_RETURN(LinearModelParams params, ParamsFromProto(artifact));
  ASSIGN_OR_RETURN(regserve::model::LinearModel model,
                   regserve::model::LinearModel::Create(std::move(params)));
  RETURN_IF_ERROR(VerifySamples(model, artifact));
  return model;
}

absl::StatusOr<ArtifactProto> ParseArtifactJson(absl::string_view json,
                                                absl::string_view source) {
  ArtifactProto artifact;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &artifact,
      options);
  if (!status.ok()) {
    // Protobuf's message may span lines (a caret under the column); keep
    // log lines and statuses on one line.
    std::string message = status.message().as_string();
    std::replace(message.begin(), message.end(), '\n', ' ');
    return absl::InvalidArgumentError(absl::StrCat(
        source,
        ": not a valid model artifact: ", absl::StripAsciiWhitespace(message)));
  }
  return artifact;
}

std::string ArtifactToJson(const ArtifactProto& artifact) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  // Printing a valid message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(artifact, &json, options);
  return json;
}

}  // namespace regserve::model
