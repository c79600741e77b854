// SHA-256 fingerprints (OpenSSL), for training-data provenance.
#ifndef REGSERVE_MODEL_SHA256_H_
#define REGSERVE_MODEL_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace regserve::model {

// Lower-case hex SHA-256 of `bytes`. Thread-safe.
std::string Sha256Hex(absl::string_view bytes);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_SHA256_H_
