// Fetches and parses a Prometheus text exposition over real HTTP (libcurl),
// for tests that assert exact metric values.
#ifndef REGSERVE_TESTS_SERVER_METRICS_SCRAPE_H_
#define REGSERVE_TESTS_SERVER_METRICS_SCRAPE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace regserve::testing {

// GET http://127.0.0.1:port/path; the body, or an error for non-200.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// Samples of a text exposition by their full series text, e.g.
// `grpc_server_handled_total{grpc_code="OK",...}` -> 3. Labels are printed
// as the exposition prints them (sorted by name by prometheus-cpp).
std::map<std::string, double> ParseExposition(const std::string& text);

}  // namespace regserve::testing

#endif  // REGSERVE_TESTS_SERVER_METRICS_SCRAPE_H_
