// Student-t quantiles for intervals (Boost.Math; no hand-written special
// functions).
#ifndef REGSERVE_MODEL_STUDENT_T_H_
#define REGSERVE_MODEL_STUDENT_T_H_

namespace regserve::model {

// The t quantile q with P(|T| <= q) = level for T ~ t(df): R's
// qt((1 + level) / 2, df). Requires 0 < level < 1 and df > 0. Thread-safe.
double TwoSidedTQuantile(double level, double df);

// Two-sided p value 2 * P(T > |t|) for T ~ t(df): what summary(lm) prints.
double TwoSidedPValue(double t, double df);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_STUDENT_T_H_
