// The check that nothing regserve answers or records is NaN or infinite.
// Finite but huge inputs (RM = 1e308) overflow a linear model; such a call
// is refused with INVALID_ARGUMENT naming the inputs far outside the
// training domain, before any metric is recorded.
#ifndef REGSERVE_SERVER_SERVING_FINITE_RESULT_H_
#define REGSERVE_SERVER_SERVING_FINITE_RESULT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "model/linear_model.h"

namespace regserve::server {

// OK if `value` is finite. Otherwise INVALID_ARGUMENT: "<where: ><what> is
// not finite (inf): the inputs are too far outside the training domain:
// RM = 1e+308 (trained on 3.561 to 8.78), ..." naming the features of `row`
// (in model order) outside their training range, farthest first (at most
// 10).
absl::Status CheckFiniteResult(const model::LinearModel& model,
                               absl::Span<const double> row,
                               absl::string_view where, absl::string_view what,
                               double value);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVING_FINITE_RESULT_H_
