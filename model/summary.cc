#include "model/summary.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "boost/math/distributions/fisher_f.hpp"
#include "model/student_t.h"

namespace regserve::model {
namespace {

const char* Stars(double p) {
  if (p < 0.001) return "***";
  if (p < 0.01) return "**";
  if (p < 0.05) return "*";
  if (p < 0.1) return ".";
  return "";
}

std::string CoefficientLine(const std::string& name, int width, double est,
                            double se, double df) {
  const double t = est / se;
  const double p = TwoSidedPValue(t, df);
  return absl::StrFormat("%-*s %12.6g %12.6g %8.3f %10.3g %s\n", width, name,
                         est, se, t, p, Stars(p));
}

std::string FLine(const v1::LinearModel& a) {
  const auto& s = a.statistics();
  const double k = a.feature_names_size();
  const double r2 = s.r_squared();
  const double f = (r2 / k) / ((1 - r2) / s.residual_df());
  boost::math::fisher_f dist(k, s.residual_df());
  const double p = boost::math::cdf(boost::math::complement(dist, f));
  return absl::StrFormat("F-statistic: %.4g on %g and %g DF,  p-value: %.4g\n",
                         f, k, s.residual_df(), p);
}

}  // namespace

std::string FormatSummary(const v1::LinearModel& a) {
  const auto& s = a.statistics();
  int width = 11;  // "(Intercept)"
  for (const std::string& f : a.feature_names()) {
    width = std::max(width, static_cast<int>(f.size()));
  }
  std::string out = absl::StrFormat(
      "Model %s version %d: %s regression of %s on %d features, %d rows\n\n",
      a.name(), a.version(), a.model_type(), a.target_name(),
      a.feature_names_size(), s.observations());
  absl::StrAppend(&out, absl::StrFormat("%-*s %12s %12s %8s %10s\n", width,
                                        "Coefficients:", "Estimate",
                                        "Std. Error", "t value", "Pr(>|t|)"));
  absl::StrAppend(&out,
                  CoefficientLine("(Intercept)", width, a.intercept(),
                                  s.intercept_std_error(), s.residual_df()));
  for (int j = 0; j < a.feature_names_size(); ++j) {
    absl::StrAppend(
        &out, CoefficientLine(a.feature_names(j), width, a.coefficients(j),
                              s.coefficient_std_errors(j), s.residual_df()));
  }
  absl::StrAppend(&out,
                  "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' "
                  "0.1 ' ' 1\n\n");
  absl::StrAppend(
      &out, absl::StrFormat("Residual standard error: %.7g on %g degrees of "
                            "freedom\n",
                            s.residual_std_error(), s.residual_df()));
  absl::StrAppend(
      &out, absl::StrFormat("Multiple R-squared:  %.7g,\tAdjusted R-squared:  "
                            "%.7g\n",
                            s.r_squared(), s.adjusted_r_squared()));
  if (a.model_type() == "ols") absl::StrAppend(&out, FLine(a));
  absl::StrAppend(
      &out, absl::StrFormat("RMSE: %.7g,\tMAE: %.7g\n", s.rmse(), s.mae()));
  if (a.has_cross_validation()) {
    const auto& cv = a.cross_validation();
    absl::StrAppend(
        &out, absl::StrFormat("%d-fold cross-validation (seed %d): RMSE %.7g, "
                              "MAE %.7g, R-squared %.7g\n",
                              cv.folds(), cv.seed(), cv.rmse(), cv.mae(),
                              cv.r_squared()));
  }
  return out;
}

}  // namespace regserve::model
