// The settings of one regserve-cli run. cli_main.cc copies its command-line
// flags into a CliOptions; the defaults below are the flags' defaults.
#ifndef REGSERVE_CLIENT_CLI_OPTIONS_H_
#define REGSERVE_CLIENT_CLI_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "client/channel_credentials.h"

namespace regserve::client {

// Plain value type; every field mirrors the flag of the same name.
struct CliOptions {
  // gRPC target of the server, host:port.
  std::string target = "localhost:50051";
  // Deadline of each RPC in milliseconds; must be positive.
  int64_t deadline_ms = 5000;
  // 0 for no prediction interval, else its level in (0, 1).
  double interval_level = 0;
  // predict: also ask for per-feature contributions and the baseline.
  bool explain = false;
  // Model name; "" selects the server's default model.
  std::string model;
  // Model version; 0 selects the latest loaded version.
  int64_t version = 0;
  // predict: NAME=VALUE assignments (from --feature).
  std::vector<std::string> features;
  // predict: a JSON object of feature name to value.
  std::string features_json;
  // batch: CSV file with a header row.
  std::string input;
  // batch: CSV file for the predictions; "" writes to stdout.
  std::string output;
  // health: service name to check; "" is the server as a whole.
  std::string service;
  // --tls_ca, --tls_cert, --tls_key, --tls_server_name; plaintext unless
  // --tls_ca is set.
  ClientTlsOptions tls;
};

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_CLI_OPTIONS_H_
