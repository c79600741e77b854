// A small reflection client, the part of grpcurl the tests need: list
// services and fetch descriptors over grpc.reflection.v1alpha (what gRPC 1.51
// serves), into a descriptor pool built only from what the server sent.
// Debian ships no ProtoReflectionDescriptorDatabase, so this is its stand-in.
#ifndef REGSERVE_TESTS_SERVER_GRPC_REFLECTION_CLIENT_H_
#define REGSERVE_TESTS_SERVER_GRPC_REFLECTION_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor_database.h"
#include "grpcpp/channel.h"

namespace regserve::testing {

class ReflectionClient {
 public:
  explicit ReflectionClient(std::shared_ptr<grpc::Channel> channel);

  // Fully qualified names of the services the server lists.
  absl::StatusOr<std::vector<std::string>> ListServices();
  // Fetches the file defining `symbol` (and its dependencies) into pool().
  absl::Status FetchSymbol(const std::string& symbol);
  // Descriptors built only from fetched files.
  const google::protobuf::DescriptorPool& pool() const { return pool_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  google::protobuf::SimpleDescriptorDatabase database_;
  google::protobuf::DescriptorPool pool_{&database_};
};

// Calls unary `method` ("/pkg.Service/Method") with a request given as JSON,
// using only descriptors from `reflection`; returns the response as JSON.
absl::StatusOr<std::string> CallUnaryFromJson(ReflectionClient& reflection,
                                              grpc::Channel& channel,
                                              const std::string& service,
                                              const std::string& method,
                                              const std::string& json);

}  // namespace regserve::testing

#endif  // REGSERVE_TESTS_SERVER_GRPC_REFLECTION_CLIENT_H_
