#include "server/http/http_errors.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/util/json_util.h"

namespace regserve::server::http {

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kUnimplemented:
      return 405;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

std::string ErrorJson(const absl::Status& status) {
  // Fixed field order for readers; the message is escaped by protobuf's
  // JSON printer rather than by hand. Messages can quote request bytes that
  // are not UTF-8 (found by fuzzing), which JSON cannot carry: those are
  // replaced, keeping ASCII.
  std::string text(status.message());
  if (!google::protobuf::internal::IsStructurallyValidUTF8(text)) {
    for (char& c : text) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
  }
  google::protobuf::Value message;
  message.set_string_value(text);
  std::string escaped;
  (void)google::protobuf::util::MessageToJsonString(message, &escaped);
  return absl::StrCat(R"({"code":)", static_cast<int>(status.code()),
                      R"(,"status":")", absl::StatusCodeToString(status.code()),
                      R"(","message":)", escaped, "}");
}

}  // namespace regserve::server::http
