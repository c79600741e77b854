#include "tests/server/test_server.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace regserve::testing {

server::ServerOptions TestServerOptions() {
  server::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.metrics_port = 0;
  options.http_port = 0;
  options.threads = 2;
  options.model_repository = SourcePath("models");
  // Load shedding acts on how long a queue stands, which on a busy machine
  // depends on scheduling: tests that are not about it turn it off, so that
  // their verdicts cannot depend on the machine's load.
  options.max_queue_delay = absl::ZeroDuration();
  return options;
}

std::unique_ptr<server::RegserveServer> StartTestServer(
    const server::ServerOptions& options) {
  auto server = server::RegserveServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

std::shared_ptr<grpc::Channel> Connect(int port) {
  grpc::ChannelArguments args;
  // A distinct argument keeps gRPC from sharing one subchannel (and so one
  // TCP connection) between channels, as separate clients would.
  static std::atomic<int> next_channel_id{0};
  args.SetInt("regserve.test.channel_id", next_channel_id++);
  args.SetMaxReceiveMessageSize(-1);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

regserve::v1::PredictRequest SeedRequest() {
  regserve::v1::PredictRequest request;
  const auto names = BostonFeatureNames();
  const auto row = BostonRow1();
  for (size_t j = 0; j < names.size(); ++j) {
    (*request.mutable_features())[names[j]] = row[j];
  }
  return request;
}

}  // namespace regserve::testing
