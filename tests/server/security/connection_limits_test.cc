// Connection-level protection: idle connections are closed, and a client
// that pings without calls more often than allowed is sent GOAWAY.
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::testing {
namespace {

namespace v1 = ::regserve::v1;

std::shared_ptr<grpc::Channel> ChannelWith(int port,
                                           grpc::ChannelArguments args) {
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

void CallOnce(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::PredictionService::NewStub(channel);
  grpc::ClientContext ctx;
  v1::PredictResponse response;
  ASSERT_TRUE(stub->Predict(&ctx, SeedRequest(), &response).ok());
  ASSERT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);
}

// True if the channel leaves READY within `timeout`.
bool LeavesReady(const std::shared_ptr<grpc::Channel>& channel,
                 absl::Duration timeout) {
  return channel->WaitForStateChange(
      GRPC_CHANNEL_READY,
      std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
}

TEST(ConnectionLimitsTest, IdleConnectionsAreClosed) {
  server::ServerOptions options = TestServerOptions();
  options.max_connection_idle = absl::Milliseconds(300);
  auto server = StartTestServer(options);
  ASSERT_NE(server, nullptr);
  auto channel = ChannelWith(server->port(), grpc::ChannelArguments());
  CallOnce(channel);
  EXPECT_TRUE(LeavesReady(channel, kEventTimeout));  // bounds a hang only
}

TEST(ConnectionLimitsTest, AbusivePingsGetGoaway) {
  server::ServerOptions options = TestServerOptions();
  options.min_client_ping_interval = absl::Seconds(10);
  auto server = StartTestServer(options);
  ASSERT_NE(server, nullptr);
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 100);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  auto channel = ChannelWith(server->port(), args);
  CallOnce(channel);
  EXPECT_TRUE(LeavesReady(channel, kEventTimeout));  // bounds a hang only
  // A well-behaved client on its own connection is unaffected.
  CallOnce(ChannelWith(server->port(), grpc::ChannelArguments()));
}

TEST(ConnectionLimitsTest, WellBehavedConnectionStaysUp) {
  auto server = StartTestServer();  // defaults: 5 min idle, 10 s pings
  ASSERT_NE(server, nullptr);
  auto channel = ChannelWith(server->port(), grpc::ChannelArguments());
  CallOnce(channel);
  // Nothing may close it: the idle limit is minutes away, so a second of
  // quiet must pass without a state change on any machine.
  EXPECT_FALSE(LeavesReady(channel, absl::Seconds(1)));
}

}  // namespace
}  // namespace regserve::testing
