// Renders server responses for people (predict, metadata) and as CSV
// (batch). Numbers are printed with 10 significant digits.
#ifndef REGSERVE_CLIENT_RESULT_PRINTER_H_
#define REGSERVE_CLIENT_RESULT_PRINTER_H_

#include <ostream>

#include "regserve/v1/prediction_service.pb.h"

namespace regserve::client {

// Prints the prediction, the model that answered, the interval when
// `interval_level` > 0 and, when `explain`, the baseline and the
// contributions sorted by decreasing absolute value.
void PrintPrediction(const v1::PredictResponse& response, double interval_level,
                     bool explain, std::ostream& out);

// Prints name, version, type, target, intercept, each feature with its
// coefficient and training min/max/mean, and the fit metrics.
void PrintMetadata(const v1::GetModelMetadataResponse& response,
                   std::ostream& out);

// Writes a CSV with a header: "prediction", plus "lower,upper" when the
// response holds intervals; one line per prediction, in input order.
void WriteBatchCsv(const v1::BatchPredictResponse& response, std::ostream& out);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_RESULT_PRINTER_H_
