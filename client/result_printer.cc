#include "client/result_printer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"

namespace regserve::client {
namespace {

// A number with 10 significant digits, e.g. 30.00384338.
std::string Num(double value) { return absl::StrFormat("%.10g", value); }

// "boston_housing version 1".
std::string ModelLabel(const v1::ModelSpec& spec) {
  return absl::StrFormat("%s version %d", spec.name(), spec.version());
}

// Prints the baseline and the contributions, largest |value| first.
void PrintContributions(const v1::PredictResponse& response,
                        std::ostream& out) {
  std::vector<std::pair<std::string, double>> rows(
      response.contributions().begin(), response.contributions().end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (std::abs(a.second) != std::abs(b.second)) {
      return std::abs(a.second) > std::abs(b.second);
    }
    return a.first < b.first;
  });
  int width = 0;
  for (const auto& row : rows) {
    width = std::max(width, static_cast<int>(row.first.size()));
  }
  out << "baseline:   " << Num(response.baseline()) << "\n";
  out << "contributions (coef * (x - training mean)):\n";
  for (const auto& [name, value] : rows) {
    out << absl::StrFormat("  %-*s  %+.10g\n", width, name, value);
  }
}

// Prints one row per feature: coefficient and training min/max/mean.
void PrintFeatures(const v1::GetModelMetadataResponse& response,
                   std::ostream& out) {
  int width = 7;  // "feature"
  for (const std::string& name : response.feature_names()) {
    width = std::max(width, static_cast<int>(name.size()));
  }
  out << absl::StrFormat("  %-*s  %16s  %12s  %12s  %12s\n", width, "feature",
                         "coefficient", "min", "max", "mean");
  for (int i = 0; i < response.feature_names_size(); ++i) {
    const double coef =
        i < response.coefficients_size() ? response.coefficients(i) : 0;
    const v1::FeatureDomain domain = i < response.feature_domains_size()
                                         ? response.feature_domains(i)
                                         : v1::FeatureDomain();
    out << absl::StrFormat("  %-*s  %16.10g  %12.6g  %12.6g  %12.6g\n", width,
                           response.feature_names(i), coef, domain.min(),
                           domain.max(), domain.mean());
  }
}

// Prints each categorical feature: its levels (the first the baseline),
// their training frequencies and their terms' coefficients.
void PrintCategorical(const v1::GetModelMetadataResponse& response,
                      std::ostream& out) {
  std::map<std::pair<std::string, std::string>, double> coefficient;
  for (const v1::Term& term : response.terms()) {
    coefficient[std::make_pair(term.feature(), term.level())] =
        term.coefficient();
  }
  for (const v1::InputFeature& input : response.inputs()) {
    if (input.kind() != v1::FEATURE_KIND_CATEGORICAL) continue;
    out << "categorical feature " << input.name() << " (treatment contrasts):\n"
        << absl::StrFormat("  %-20s  %16s  %10s\n", "level", "coefficient",
                           "frequency");
    for (int l = 0; l < input.levels_size(); ++l) {
      const v1::Level& level = input.levels(l);
      auto it = coefficient.find(std::make_pair(input.name(), level.name()));
      const std::string coef =
          l == 0 ? "(baseline)"
                 : absl::StrFormat("%.10g",
                                   it == coefficient.end() ? 0 : it->second);
      out << absl::StrFormat("  %-20s  %16s  %10.4f\n", level.name(), coef,
                             level.training_frequency());
    }
  }
}

// Prints the goodness of fit on the training data.
void PrintFit(const v1::FitMetrics& fit, std::ostream& out) {
  out << "fit:\n"
      << "  observations:       " << fit.observations() << "\n"
      << "  r_squared:          " << Num(fit.r_squared()) << "\n"
      << "  adjusted_r_squared: " << Num(fit.adjusted_r_squared()) << "\n"
      << "  residual_std_error: " << Num(fit.residual_std_error()) << "\n"
      << "  residual_df:        " << Num(fit.residual_df()) << "\n"
      << "  rmse:               " << Num(fit.rmse()) << "\n"
      << "  mae:                " << Num(fit.mae()) << "\n"
      << "  cv_rmse:            " << Num(fit.cv_rmse()) << "\n"
      << "  cv_r_squared:       " << Num(fit.cv_r_squared()) << "\n";
}

}  // namespace

void PrintPrediction(const v1::PredictResponse& response, double interval_level,
                     bool explain, std::ostream& out) {
  out << "prediction: " << Num(response.prediction()) << "\n";
  out << "model:      " << ModelLabel(response.model_spec()) << "\n";
  if (interval_level > 0) {
    out << absl::StrFormat("interval:   [%s, %s] (level %g)\n",
                           Num(response.interval().lower()),
                           Num(response.interval().upper()), interval_level);
  }
  if (explain) {
    PrintContributions(response, out);
  }
}

void PrintMetadata(const v1::GetModelMetadataResponse& response,
                   std::ostream& out) {
  const v1::FeatureDomain& target = response.target_domain();
  out << "model:     " << ModelLabel(response.model_spec()) << "\n"
      << "loaded:    versions "
      << absl::StrJoin(response.loaded_versions(), ", ") << "\n"
      << "type:      " << response.model_type() << "\n"
      << "target:    " << response.target_name() << " (training min "
      << Num(target.min()) << ", max " << Num(target.max()) << ", mean "
      << Num(target.mean()) << ")\n"
      << "intercept: " << Num(response.intercept()) << "\n";
  if (response.has_created_time()) {
    out << "created:   "
        << google::protobuf::util::TimeUtil::ToString(response.created_time())
        << "\n";
  }
  out << "data:      sha256 " << response.training_data_sha256() << "\n";
  out << "features:\n";
  PrintFeatures(response, out);
  PrintCategorical(response, out);
  PrintFit(response.fit(), out);
}

void WriteBatchCsv(const v1::BatchPredictResponse& response,
                   std::ostream& out) {
  const bool intervals =
      response.intervals_size() == response.predictions_size() &&
      response.intervals_size() > 0;
  out << (intervals ? "prediction,lower,upper\n" : "prediction\n");
  for (int i = 0; i < response.predictions_size(); ++i) {
    out << Num(response.predictions(i));
    if (intervals) {
      out << "," << Num(response.intervals(i).lower()) << ","
          << Num(response.intervals(i).upper());
    }
    out << "\n";
  }
}

}  // namespace regserve::client
