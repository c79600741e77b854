// Human-readable model summary in the layout of R's summary(lm).
#ifndef REGSERVE_MODEL_SUMMARY_H_
#define REGSERVE_MODEL_SUMMARY_H_

#include <string>

#include "regserve/model/v1/linear_model.pb.h"

namespace regserve::model {

// Coefficients with standard error, t value, p value and significance stars;
// residual standard error and df; R squared, adjusted R squared, F statistic
// (OLS only); RMSE and MAE; cross-validation metrics when present.
std::string FormatSummary(const regserve::model::v1::LinearModel& artifact);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_SUMMARY_H_
