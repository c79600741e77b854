#include "tests/server/grpc/reflection_client.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "src/proto/grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace regserve::testing {
namespace {

namespace refl = ::grpc::reflection::v1alpha;

absl::StatusOr<refl::ServerReflectionResponse> Ask(
    grpc::Channel& channel, const refl::ServerReflectionRequest& request) {
  auto stub = refl::ServerReflection::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext ctx;
  auto stream = stub->ServerReflectionInfo(&ctx);
  refl::ServerReflectionResponse response;
  if (!stream->Write(request) || !stream->Read(&response)) {
    stream->WritesDone();
    grpc::Status status = stream->Finish();
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  stream->WritesDone();
  (void)stream->Finish();
  if (response.has_error_response()) {
    return absl::NotFoundError(response.error_response().error_message());
  }
  return response;
}

}  // namespace

ReflectionClient::ReflectionClient(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)) {}

absl::StatusOr<std::vector<std::string>> ReflectionClient::ListServices() {
  refl::ServerReflectionRequest request;
  request.set_list_services("*");
  auto response = Ask(*channel_, request);
  if (!response.ok()) return response.status();
  std::vector<std::string> names;
  for (const auto& s : response->list_services_response().service()) {
    names.push_back(s.name());
  }
  return names;
}

absl::Status ReflectionClient::FetchSymbol(const std::string& symbol) {
  refl::ServerReflectionRequest request;
  request.set_file_containing_symbol(symbol);
  auto response = Ask(*channel_, request);
  if (!response.ok()) return response.status();
  for (const std::string& bytes :
       response->file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    if (!file.ParseFromString(bytes)) {
      return absl::DataLossError("bad FileDescriptorProto from server");
    }
    if (database_.FindFileByName(file.name(), &file)) continue;
    database_.Add(file);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CallUnaryFromJson(ReflectionClient& reflection,
                                              grpc::Channel& channel,
                                              const std::string& service,
                                              const std::string& method,
                                              const std::string& json) {
  if (absl::Status s = reflection.FetchSymbol(service); !s.ok()) return s;
  const auto* svc = reflection.pool().FindServiceByName(service);
  const auto* m = svc == nullptr ? nullptr : svc->FindMethodByName(method);
  if (m == nullptr) return absl::NotFoundError("no such method");
  google::protobuf::DynamicMessageFactory factory(&reflection.pool());
  std::unique_ptr<google::protobuf::Message> request(
      factory.GetPrototype(m->input_type())->New());
  std::unique_ptr<google::protobuf::Message> response(
      factory.GetPrototype(m->output_type())->New());
  if (!google::protobuf::util::JsonStringToMessage(json, request.get()).ok()) {
    return absl::InvalidArgumentError("bad request JSON");
  }
  grpc::GenericStub stub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext ctx;
  std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1), out;
  grpc::Status status;
  grpc::CompletionQueue cq;  // GenericStub's unary call is async-only
  auto call = stub.PrepareUnaryCall(
      &ctx, absl::StrCat("/", service, "/", method), in, &cq);
  call->StartCall();
  call->Finish(&out, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  std::vector<grpc::Slice> slices;
  (void)out.Dump(&slices);
  std::string payload;
  for (const auto& s : slices) {
    payload.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  if (!response->ParseFromString(payload)) {
    return absl::DataLossError("cannot parse response");
  }
  std::string result;
  (void)google::protobuf::util::MessageToJsonString(*response, &result);
  return result;
}

}  // namespace regserve::testing
