// The subcommands of regserve-cli, one function each. Each sends its RPCs
// over `channel` with a deadline of options.deadline_ms per call, prints its
// result to `out` and returns the first error: RPC failures are marked as
// such (status_text.h), anything else is a usage or input error.
#ifndef REGSERVE_CLIENT_CLI_COMMANDS_H_
#define REGSERVE_CLIENT_CLI_COMMANDS_H_

#include <memory>
#include <ostream>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli_options.h"
#include "grpcpp/channel.h"

namespace regserve::client {

// predict: one prediction from --feature and/or --features_json (not both).
absl::Status RunPredict(const CliOptions& options,
                        const std::shared_ptr<grpc::Channel>& channel,
                        std::ostream& out);

// batch: reads --input, keeps the model's feature columns (from
// GetModelMetadata), sends them as one dense Table and writes the
// predictions as CSV to --output, or to `out` when --output is empty.
absl::Status RunBatch(const CliOptions& options,
                      const std::shared_ptr<grpc::Channel>& channel,
                      std::ostream& out);

// metadata: describes the model.
absl::Status RunMetadata(const CliOptions& options,
                         const std::shared_ptr<grpc::Channel>& channel,
                         std::ostream& out);

// health: prints the serving status of --service; anything but SERVING is
// an error (UNAVAILABLE, marked as an RPC error).
absl::Status RunHealth(const CliOptions& options,
                       const std::shared_ptr<grpc::Channel>& channel,
                       std::ostream& out);

// Checks `options`, opens an insecure channel to options.target and runs
// `command` (predict, batch, metadata or health).
absl::Status RunCommand(absl::string_view command, const CliOptions& options,
                        std::ostream& out);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_CLI_COMMANDS_H_
