#include "server/serving/predictor.h"

#include <cmath>
#include <numeric>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/serving/feature_mapper.h"
#include "server/serving/finite_result.h"
#include "server/serving/metadata_builder.h"
#include "server/serving/request_validation.h"
#include "server/serving/table_mapper.h"

namespace regserve::server {
namespace {

using Row = absl::InlinedVector<double, 32>;

void SetSpec(const model::LinearModel& model, regserve::v1::ModelSpec* spec) {
  spec->set_name(model.name());
  spec->set_version(model.version());
}

// Both bounds of `interval` are finite.
absl::Status CheckInterval(const model::LinearModel& model,
                           absl::Span<const double> row,
                           absl::string_view where,
                           const model::Interval& interval) {
  RETURN_IF_ERROR(CheckFiniteResult(model, row, where,
                                    "the prediction interval's lower bound",
                                    interval.lower));
  return CheckFiniteResult(model, row, where,
                           "the prediction interval's upper bound",
                           interval.upper);
}

// Per input feature: a numeric feature's term contribution, or the sum
// over a categorical feature's indicator terms.
void SetContributions(const model::LinearModel& model,
                      absl::Span<const double> per_term,
                      regserve::v1::PredictResponse* response) {
  auto& out = *response->mutable_contributions();
  const model::InputEncoding& inputs = model.inputs();
  Row per_input(inputs.input_names().size());
  inputs.SumByInput(per_term, absl::MakeSpan(per_input));
  for (size_t i = 0; i < per_input.size(); ++i) {
    out[inputs.input_names()[i]] = per_input[i];
  }
}

void SetInterval(const model::Interval& in, regserve::v1::Interval* out) {
  out->set_lower(in.lower);
  out->set_upper(in.upper);
}

}  // namespace

Predictor::Predictor(const ModelRegistry* registry, int64_t max_batch_rows,
                     metrics::ServerMetrics* metrics)
    : registry_(registry),
      max_batch_rows_(max_batch_rows),
      batch_rows_(metrics == nullptr ? nullptr : &metrics->batch_rows()) {}

absl::Status Predictor::Predict(const regserve::v1::PredictRequest& request,
                                regserve::v1::PredictResponse* response) const {
  RETURN_IF_ERROR(ValidateModelSpec(request.model_spec()));
  RETURN_IF_ERROR(ValidateIntervalLevel(request.interval_level()));
  const auto snapshot = registry_->Current();
  ASSIGN_OR_RETURN(const ServedModel* served,
                   snapshot->Find(request.model_spec().name(),
                                  request.model_spec().version(),
                                  request.model_spec().version_label()));
  const model::LinearModel& model = served->model;
  Row row(model.num_features());
  RETURN_IF_ERROR(MapNamedFeatures(model, request.features(),
                                   request.categorical_features(), "",
                                   absl::MakeSpan(row), served->metrics.get()));

  // Everything is computed and checked finite before anything is answered
  // or recorded.
  const double prediction = model.Predict(row);
  RETURN_IF_ERROR(
      CheckFiniteResult(model, row, "", "the prediction", prediction));
  model::Interval interval;
  if (request.interval_level() > 0) {
    interval = model.PredictionInterval(row, request.interval_level());
    RETURN_IF_ERROR(CheckInterval(model, row, "", interval));
  }
  Row contributions;
  if (request.explain()) {
    contributions.resize(model.num_features());
    model.Contributions(row, absl::MakeSpan(contributions));
    for (int j = 0; j < model.num_features(); ++j) {
      if (std::isfinite(contributions[j])) continue;
      return CheckFiniteResult(
          model, row, "",
          absl::StrCat("the contribution of ", model.feature_names()[j]),
          contributions[j]);
    }
  }
  response->set_prediction(prediction);
  SetSpec(model, response->mutable_model_spec());
  if (request.interval_level() > 0) {
    SetInterval(interval, response->mutable_interval());
  }
  if (request.explain()) {
    SetContributions(model, contributions, response);
    response->set_baseline(model.Baseline());
  }
  if (served->metrics) served->metrics->RecordRow(row, prediction);
  return absl::OkStatus();
}

absl::Status Predictor::BatchPredict(
    const regserve::v1::BatchPredictRequest& request,
    regserve::v1::BatchPredictResponse* response) const {
  RETURN_IF_ERROR(ValidateModelSpec(request.model_spec()));
  RETURN_IF_ERROR(ValidateIntervalLevel(request.interval_level()));
  RETURN_IF_ERROR(ValidateBatchShape(request, max_batch_rows_));
  const auto snapshot = registry_->Current();
  ASSIGN_OR_RETURN(const ServedModel* served,
                   snapshot->Find(request.model_spec().name(),
                                  request.model_spec().version(),
                                  request.model_spec().version_label()));
  SetSpec(served->model, response->mutable_model_spec());
  RETURN_IF_ERROR(request.rows_size() > 0
                      ? PredictRows(*served, request, response)
                      : PredictTable(*served, request, response));
  if (batch_rows_ != nullptr) {
    batch_rows_->Observe(response->predictions_size());
  }
  return absl::OkStatus();
}

absl::Status Predictor::PredictRows(
    const ServedModel& served, const regserve::v1::BatchPredictRequest& request,
    regserve::v1::BatchPredictResponse* response) const {
  const model::LinearModel& model = served.model;
  const double level = request.interval_level();
  Row row(model.num_features());
  response->mutable_predictions()->Reserve(request.rows_size());
  for (int r = 0; r < request.rows_size(); ++r) {
    const std::string where = absl::StrCat("rows[", r, "]");
    if (absl::Status mapped =
            MapNamedFeatures(model, request.rows(r).features(),
                             request.rows(r).categorical_features(), where,
                             absl::MakeSpan(row), served.metrics.get());
        !mapped.ok()) {
      for (int rest = r + 1; rest < request.rows_size(); ++rest) {
        CountUnknownLevels(model, request.rows(rest).categorical_features(),
                           served.metrics.get());
      }
      return mapped;
    }
    const double prediction = model.Predict(row);
    RETURN_IF_ERROR(
        CheckFiniteResult(model, row, where, "the prediction", prediction));
    response->add_predictions(prediction);
    if (level > 0) {
      const model::Interval interval = model.PredictionInterval(row, level);
      RETURN_IF_ERROR(CheckInterval(model, row, where, interval));
      SetInterval(interval, response->add_intervals());
    }
  }
  // Recorded only once every row is answered: a call refused at row 5 counts
  // no rows.
  if (served.metrics) {
    for (int r = 0; r < request.rows_size(); ++r) {
      (void)MapNamedFeatures(model, request.rows(r).features(),
                             request.rows(r).categorical_features(), "",
                             absl::MakeSpan(row), nullptr);
      served.metrics->RecordRow(row, response->predictions(r));
    }
  }
  return absl::OkStatus();
}

absl::Status Predictor::PredictTable(
    const ServedModel& served, const regserve::v1::BatchPredictRequest& request,
    regserve::v1::BatchPredictResponse* response) const {
  const model::LinearModel& model = served.model;
  const regserve::v1::Table& table = request.table();
  ASSIGN_OR_RETURN(TableLayout layout,
                   MapTableColumns(model, table, served.metrics.get()));
  // Eigen works in place over the request's packed values and writes
  // straight into the response's packed predictions: no copies. A model
  // with categorical features needs its indicator terms: one copy.
  model::RowMajorMatrix terms;
  if (model.inputs().has_factors()) {
    terms = TermMatrix(model, table, layout);
    layout.column_to_feature.resize(model.num_features());
    std::iota(layout.column_to_feature.begin(), layout.column_to_feature.end(),
              0);
    layout.in_model_order = true;
  }
  const int cols = static_cast<int>(layout.column_to_feature.size());
  Eigen::Map<const model::RowMajorMatrix> x(
      terms.size() > 0 ? terms.data() : table.values().data(), layout.rows,
      cols);
  response->mutable_predictions()->Resize(static_cast<int>(layout.rows), 0.0);
  Eigen::Map<Eigen::VectorXd> out(
      response->mutable_predictions()->mutable_data(), layout.rows);
  if (layout.in_model_order) {
    model.PredictBatch(x, out);
  } else {
    model.PredictPermuted(x, layout.column_to_feature, out);
  }
  Row row(model.num_features());
  if (!out.allFinite()) {
    for (int64_t r = 0; r < layout.rows; ++r) {
      GatherRow(x, layout.column_to_feature, r, absl::MakeSpan(row));
      RETURN_IF_ERROR(CheckFiniteResult(
          model, row, absl::StrCat("table row ", r), "the prediction", out[r]));
    }
  }
  if (request.interval_level() > 0) {
    response->mutable_intervals()->Reserve(static_cast<int>(layout.rows));
    for (int64_t r = 0; r < layout.rows; ++r) {
      GatherRow(x, layout.column_to_feature, r, absl::MakeSpan(row));
      const model::Interval interval =
          model.PredictionInterval(row, request.interval_level());
      if (!std::isfinite(interval.lower) || !std::isfinite(interval.upper)) {
        return CheckInterval(model, row, absl::StrCat("table row ", r),
                             interval);
      }
      SetInterval(interval, response->add_intervals());
    }
  }
  if (served.metrics) {
    served.metrics->RecordTable(x, layout.column_to_feature, out);
  }
  return absl::OkStatus();
}

std::vector<std::string> Predictor::CategoricalFeatureNames(
    const regserve::v1::ModelSpec& spec) const {
  std::vector<std::string> names;
  const auto snapshot = registry_->Current();
  auto served =
      snapshot->Find(spec.name(), spec.version(), spec.version_label());
  if (!served.ok()) return names;
  for (const model::Factor& f : (*served)->model.inputs().factors()) {
    names.push_back(f.name);
  }
  return names;
}

absl::Status Predictor::GetModelMetadata(
    const regserve::v1::GetModelMetadataRequest& request,
    regserve::v1::GetModelMetadataResponse* response) const {
  RETURN_IF_ERROR(ValidateModelSpec(request.model_spec()));
  const auto snapshot = registry_->Current();
  ASSIGN_OR_RETURN(const ServedModel* served,
                   snapshot->Find(request.model_spec().name(),
                                  request.model_spec().version(),
                                  request.model_spec().version_label()));
  FillMetadata(*served, snapshot->Versions(served->model.name()), response);
  return absl::OkStatus();
}

}  // namespace regserve::server
