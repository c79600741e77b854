// The JSON side of the gateway's protobuf JSON mapping, with regserve's two
// rules on top of protobuf's:
//  - a JSON null is never a value: protobuf's parser turns `"RM": null` into
//    RM = 0 (or drops it), so the gateway would compute with a value the
//    caller never sent and accept what gRPC would refuse. Any null in a body
//    is refused with its path.
//  - an answer states only what was computed or asked for: no
//    `"baseline":0` or `"contributions":{}` without explain, no empty
//    version label; but a prediction of exactly 0 is printed.
#ifndef REGSERVE_SERVER_HTTP_JSON_MAPPING_H_
#define REGSERVE_SERVER_HTTP_JSON_MAPPING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::server::http {

// Parses `body` into `out`. INVALID_ARGUMENT naming the JSON path of the
// first null ("request body: features.RM is null ..."), or protobuf's
// reason (capped) if the body is not a valid `out` in JSON.
absl::Status ParseJsonBody(absl::string_view body,
                           google::protobuf::Message* out);

// `message` in JSON, printing fields with default values too: for answers
// whose every field is computed (metadata, model lists).
std::string PrintAllFields(const google::protobuf::Message& message);

// A Predict answer: the prediction always (0 included); the interval only
// if asked for; contributions and baseline only with `explained`.
std::string PrintPredictResponse(const regserve::v1::PredictResponse& response,
                                 bool explained);

// A BatchPredict answer: predictions, and intervals only if asked for.
std::string PrintBatchPredictResponse(
    const regserve::v1::BatchPredictResponse& response);

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_JSON_MAPPING_H_
