#include "client/cli_commands.h"

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/batch_table.h"
#include "client/channel_credentials.h"
#include "client/feature_parser.h"
#include "client/result_printer.h"
#include "client/status_text.h"
#include "common/status_macros.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "model/dataset.h"
#include "regserve/v1/prediction_service.grpc.pb.h"

namespace regserve::client {
namespace {

using v1::PredictionService;

// Gives `context` the per-call deadline of `options`.
void SetDeadline(const CliOptions& options, grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(options.deadline_ms));
}

// The model selected by --model and --version.
v1::ModelSpec ModelSpecOf(const CliOptions& options) {
  v1::ModelSpec spec;
  spec.set_name(options.model);
  spec.set_version(options.version);
  return spec;
}

// The features of a predict call, from --feature or --features_json, read
// by the kinds in `categorical`.
absl::StatusOr<Features> FeaturesOf(const CliOptions& options,
                                    const CategoricalNames& categorical) {
  const bool have_list = !options.features.empty();
  const bool have_json = !options.features_json.empty();
  if (have_list == have_json) {
    return absl::InvalidArgumentError(
        "predict needs exactly one of --feature and --features_json");
  }
  if (have_json) {
    return ParseFeaturesJson(options.features_json, categorical);
  }
  return ParseFeatureAssignments(options.features, categorical);
}

// Fetches the metadata of the selected model.
absl::StatusOr<v1::GetModelMetadataResponse> FetchMetadata(
    const CliOptions& options, PredictionService::Stub& stub) {
  v1::GetModelMetadataRequest request;
  *request.mutable_model_spec() = ModelSpecOf(options);
  v1::GetModelMetadataResponse response;
  grpc::ClientContext context;
  SetDeadline(options, context);
  RETURN_IF_ERROR(
      FromGrpcStatus(stub.GetModelMetadata(&context, request, &response)));
  return response;
}

// Writes the batch predictions to --output, or to `out` without it.
absl::Status WriteBatchOutput(const CliOptions& options,
                              const v1::BatchPredictResponse& response,
                              std::ostream& out) {
  if (options.output.empty()) {
    WriteBatchCsv(response, out);
    return absl::OkStatus();
  }
  std::ofstream file(options.output);
  if (file) {
    WriteBatchCsv(response, file);
  }
  file.close();
  if (!file) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot write --output ", options.output));
  }
  return absl::OkStatus();
}

// The categorical features of the selected model, from its metadata. A
// model that cannot be described (not found, or the caller's key may not
// ask) is read as numeric only: the Predict call then says what is wrong.
CategoricalNames CategoricalFeaturesOf(const CliOptions& options,
                                       PredictionService::Stub& stub) {
  CategoricalNames names;
  absl::StatusOr<v1::GetModelMetadataResponse> metadata =
      FetchMetadata(options, stub);
  if (!metadata.ok()) return names;
  for (const v1::InputFeature& input : metadata->inputs()) {
    if (input.kind() == v1::FEATURE_KIND_CATEGORICAL) {
      names.insert(input.name());
    }
  }
  return names;
}

}  // namespace

absl::Status RunPredict(const CliOptions& options,
                        const std::shared_ptr<grpc::Channel>& channel,
                        std::ostream& out) {
  auto stub = PredictionService::NewStub(channel);
  ASSIGN_OR_RETURN(Features features,
                   FeaturesOf(options, CategoricalFeaturesOf(options, *stub)));
  v1::PredictRequest request;
  *request.mutable_model_spec() = ModelSpecOf(options);
  request.mutable_features()->insert(features.numeric.begin(),
                                     features.numeric.end());
  request.mutable_categorical_features()->insert(features.categorical.begin(),
                                                 features.categorical.end());
  request.set_interval_level(options.interval_level);
  request.set_explain(options.explain);
  v1::PredictResponse response;
  grpc::ClientContext context;
  SetDeadline(options, context);
  RETURN_IF_ERROR(FromGrpcStatus(stub->Predict(&context, request, &response)));
  PrintPrediction(response, options.interval_level, options.explain, out);
  return absl::OkStatus();
}

absl::Status RunBatch(const CliOptions& options,
                      const std::shared_ptr<grpc::Channel>& channel,
                      std::ostream& out) {
  if (options.input.empty()) {
    return absl::InvalidArgumentError("batch needs --input FILE (a CSV)");
  }
  ASSIGN_OR_RETURN(model::Dataset data, model::ReadCsvFile(options.input));
  auto stub = PredictionService::NewStub(channel);
  ASSIGN_OR_RETURN(v1::GetModelMetadataResponse metadata,
                   FetchMetadata(options, *stub));
  v1::BatchPredictRequest request;
  // Pin the version that described the features.
  *request.mutable_model_spec() = metadata.model_spec();
  ASSIGN_OR_RETURN(*request.mutable_table(), BuildTable(data, metadata));
  request.set_interval_level(options.interval_level);
  v1::BatchPredictResponse response;
  grpc::ClientContext context;
  SetDeadline(options, context);
  RETURN_IF_ERROR(
      FromGrpcStatus(stub->BatchPredict(&context, request, &response)));
  return WriteBatchOutput(options, response, out);
}

absl::Status RunMetadata(const CliOptions& options,
                         const std::shared_ptr<grpc::Channel>& channel,
                         std::ostream& out) {
  auto stub = PredictionService::NewStub(channel);
  ASSIGN_OR_RETURN(v1::GetModelMetadataResponse response,
                   FetchMetadata(options, *stub));
  PrintMetadata(response, out);
  return absl::OkStatus();
}

absl::Status RunHealth(const CliOptions& options,
                       const std::shared_ptr<grpc::Channel>& channel,
                       std::ostream& out) {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(options.service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  SetDeadline(options, context);
  auto stub = grpc::health::v1::Health::NewStub(channel);
  RETURN_IF_ERROR(FromGrpcStatus(stub->Check(&context, request, &response)));
  const std::string& name =
      grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
          response.status());
  out << name << "\n";
  if (response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::OkStatus();
  }
  return MarkAsRpcError(absl::UnavailableError(
      absl::StrCat("service \"", options.service, "\" is ", name)));
}

absl::Status RunCommand(absl::string_view command, const CliOptions& options,
                        std::ostream& out) {
  using Runner = absl::Status (*)(
      const CliOptions&, const std::shared_ptr<grpc::Channel>&, std::ostream&);
  Runner run = command == "predict"    ? RunPredict
               : command == "batch"    ? RunBatch
               : command == "metadata" ? RunMetadata
               : command == "health"   ? RunHealth
                                       : nullptr;
  if (run == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command \"", command,
                     "\"; expected predict, batch, metadata or health"));
  }
  if (options.deadline_ms <= 0) {
    return absl::InvalidArgumentError("--deadline_ms must be positive");
  }
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                   MakeChannelCredentials(options.tls));
  return run(options,
             grpc::CreateCustomChannel(options.target, credentials,
                                       TlsChannelArguments(options.tls)),
             out);
}

}  // namespace regserve::client
