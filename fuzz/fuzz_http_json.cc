// Bytes -> the HTTP/JSON gateway as the request body of
// POST /v1/models/{boston_housing,iris}[/versions/1]:predict and
// :batchPredict (both, every input; the model and the versioned path chosen
// by the input's size), against the shipped models (iris has a categorical
// feature, so its bodies go through MoveCategoricalFeatures). Every answer
// must be a known status with a JSON body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_env.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace {

bool IsJson(const std::string& body) {
  google::protobuf::Value value;
  return google::protobuf::util::JsonStringToMessage(body, &value).ok();
}

void Check(const regserve::server::http::HttpResponse& response) {
  FUZZ_CHECK(response.status == 200 || response.status == 400 ||
             response.status == 404);
  // Error bodies once echoed invalid UTF-8 from the request (now a
  // regression seed: crash-invalid-utf8-error-body).
  if (!IsJson(response.body)) {
    std::fprintf(stderr, "status %d, body is not JSON: %s\n", response.status,
                 response.body.c_str());
    FUZZ_CHECK(IsJson(response.body));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const regserve::server::http::JsonGateway& gateway =
      regserve::fuzz::Env().gateway;
  absl::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string model =
      std::string(size % 4 < 2 ? "/v1/models/boston_housing"
                               : "/v1/models/iris") +
      (size % 2 == 0 ? "" : "/versions/1");
  const std::string predict = std::string(model) + ":predict";
  const std::string batch = std::string(model) + ":batchPredict";
  Check(gateway.Handle("POST", predict, body));
  Check(gateway.Handle("POST", batch, body));
  return 0;
}
