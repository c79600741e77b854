// Settings applied to the gRPC ServerBuilder: per-server reflection and the
// connection limits (streams, pings, idle and maximum connection age,
// keepalive).
#ifndef REGSERVE_SERVER_GRPC_BUILDER_OPTIONS_H_
#define REGSERVE_SERVER_GRPC_BUILDER_OPTIONS_H_

#include <memory>
#include <vector>

#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/server_builder.h"
#include "server/server_options.h"

namespace regserve::server {

// Sets reflection per builder. Linking grpc++_reflection registers its
// plugin for every server in the process through a static initializer, so
// this option first removes it and then adds it back only when enabled.
class ReflectionOption : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionOption(bool enabled) : enabled_(enabled) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override;

 private:
  bool enabled_;
};

// Applies options' connection limits (max_concurrent_streams, the ping
// policy, max_connection_idle and max_connection_age), regserve's own
// keepalive pings and the memory quota (memory_quota_bytes) to `builder`.
void ApplyConnectionLimits(const ServerOptions& options,
                           grpc::ServerBuilder& builder);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_GRPC_BUILDER_OPTIONS_H_
