// A real HTTP client for tests (libcurl): JSON gateway calls and /metrics
// scrapes, plus a parser for the Prometheus text exposition.
#ifndef REGSERVE_TESTS_SERVER_HTTP_HTTP_TEST_CLIENT_H_
#define REGSERVE_TESTS_SERVER_HTTP_HTTP_TEST_CLIENT_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace regserve::testing {

struct HttpResult {
  long status = 0;
  std::string body;
};

// `method` http://127.0.0.1:port/path with `body` (sent as JSON when not
// empty); any HTTP status is a result, transport failures are errors.
absl::StatusOr<HttpResult> HttpCall(int port, const std::string& method,
                                    const std::string& path,
                                    const std::string& body = "",
                                    const std::string& authorization = "");

// GET http://127.0.0.1:port/path; the body, or an error for non-200.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// Samples of a text exposition by their full series text, e.g.
// `grpc_server_handled_total{grpc_code="OK",...}` -> 3. Labels are printed
// as the exposition prints them (sorted by name by prometheus-cpp).
std::map<std::string, double> ParseExposition(const std::string& text);

}  // namespace regserve::testing

#endif  // REGSERVE_TESTS_SERVER_HTTP_HTTP_TEST_CLIENT_H_
