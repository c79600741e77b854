// regserve-cli: command-line client of regserve's PredictionService and of
// the gRPC health service.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "client/cli_commands.h"
#include "client/cli_options.h"
#include "client/repeated_flags.h"
#include "client/status_text.h"
#include "client/tls_flags.h"
#include "common/program_usage.h"

using regserve::client::CliOptions;

ABSL_FLAG(std::string, target, CliOptions().target,
          "gRPC target of the server, host:port.");
ABSL_FLAG(int64_t, deadline_ms, CliOptions().deadline_ms,
          "Deadline of each RPC in milliseconds (> 0).");
ABSL_FLAG(double, interval_level, CliOptions().interval_level,
          "predict, batch: level in (0, 1) of a prediction interval, e.g. "
          "0.95; 0 = no interval.");
ABSL_FLAG(bool, explain, CliOptions().explain,
          "predict: also print the baseline and each feature's contribution "
          "coef * (x - training mean), largest first.");
ABSL_FLAG(std::string, model, CliOptions().model,
          "Model name; empty = the server's default model.");
ABSL_FLAG(int64_t, version, CliOptions().version,
          "Model version; 0 = the latest loaded version.");
ABSL_FLAG(std::vector<std::string>, feature, {},
          "predict: a feature as NAME=VALUE; repeat the flag or separate "
          "with commas: --feature CRIM=0.00632,ZN=18 --feature INDUS=2.31.");
ABSL_FLAG(std::string, features_json, CliOptions().features_json,
          "predict: the features as a JSON object instead of --feature, "
          "e.g. '{\"CRIM\": 0.00632, \"ZN\": 18}'.");
ABSL_FLAG(std::string, input, CliOptions().input,
          "batch: CSV file with a header row; columns the model does not use "
          "(e.g. the target) are dropped.");
ABSL_FLAG(std::string, output, CliOptions().output,
          "batch: CSV file for the predictions; empty = stdout.");
ABSL_FLAG(std::string, service, CliOptions().service,
          "health: service to check; empty = the server as a whole.");
ABSL_FLAG(std::string, tls_ca, "", regserve::client::kTlsCaHelp);
ABSL_FLAG(std::string, tls_cert, "", regserve::client::kTlsCertHelp);
ABSL_FLAG(std::string, tls_key, "", regserve::client::kTlsKeyHelp);
ABSL_FLAG(std::string, tls_server_name, "",
          regserve::client::kTlsServerNameHelp);

namespace {

constexpr char kUsage[] =
    "Queries a regserve server.\n"
    "usage: regserve-cli [flags] <predict|batch|metadata|health>\n"
    "  predict   one prediction: --feature NAME=VALUE ... or --features_json\n"
    "  batch     predictions for --input CSV, as CSV on stdout or --output\n"
    "  metadata  the model's features, coefficients and fit\n"
    "  health    SERVING or NOT_SERVING (exit 0 only if SERVING)\n"
    "Exit codes: 0 ok, 1 RPC error or not serving, 2 usage or input error.";

// The parsed flags as CliOptions.
CliOptions OptionsFromFlags() {
  CliOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.deadline_ms = absl::GetFlag(FLAGS_deadline_ms);
  options.interval_level = absl::GetFlag(FLAGS_interval_level);
  options.explain = absl::GetFlag(FLAGS_explain);
  options.model = absl::GetFlag(FLAGS_model);
  options.version = absl::GetFlag(FLAGS_version);
  options.features = absl::GetFlag(FLAGS_feature);
  options.features_json = absl::GetFlag(FLAGS_features_json);
  options.input = absl::GetFlag(FLAGS_input);
  options.output = absl::GetFlag(FLAGS_output);
  options.service = absl::GetFlag(FLAGS_service);
  options.tls = regserve::client::TlsOptionsFromFlags(
      FLAGS_tls_ca, FLAGS_tls_cert, FLAGS_tls_key, FLAGS_tls_server_name);
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  regserve::common::InitProgramUsage(kUsage, __FILE__);
  // Abseil keeps only the last --feature; merge them all into one first.
  std::vector<std::string> args = regserve::client::MergeRepeatedFlag(
      std::vector<std::string>(argv, argv + argc), "feature");
  std::vector<char*> arg_ptrs;
  arg_ptrs.reserve(args.size());
  for (std::string& arg : args) {
    arg_ptrs.push_back(arg.data());
  }
  std::vector<char*> positional = absl::ParseCommandLine(
      static_cast<int>(arg_ptrs.size()), arg_ptrs.data());

  if (positional.size() != 2) {
    std::cerr << "error: expected one command; usage: regserve-cli [flags] "
                 "<predict|batch|metadata|health> (see --help)\n";
    return regserve::client::kExitUsageError;
  }
  const absl::Status status = regserve::client::RunCommand(
      positional[1], OptionsFromFlags(), std::cout);
  if (!status.ok()) {
    std::cerr << regserve::client::ErrorLine(status) << "\n";
  }
  return regserve::client::ExitCode(status);
}
