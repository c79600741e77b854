// Starts a real regserve server on an ephemeral loopback port for
// integration tests, and connects real gRPC channels to it.
#ifndef REGSERVE_TESTS_SERVER_TEST_SERVER_H_
#define REGSERVE_TESTS_SERVER_TEST_SERVER_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "regserve/v1/prediction_service.grpc.pb.h"
#include "server/regserve_server.h"
#include "server/server_options.h"

namespace regserve::testing {

// Options for a hermetic test server: 127.0.0.1, port 0, metrics off, two
// threads, load shedding off, the shipped model repository.
server::ServerOptions TestServerOptions();

// Starts the server; fails the test (and returns null) if it cannot.
std::unique_ptr<server::RegserveServer> StartTestServer(
    const server::ServerOptions& options = TestServerOptions());

// A new insecure channel to 127.0.0.1:port (its own TCP connection).
std::shared_ptr<grpc::Channel> Connect(int port);

// The seed request: row 1 of the Boston data, default model.
regserve::v1::PredictRequest SeedRequest();

}  // namespace regserve::testing

#endif  // REGSERVE_TESTS_SERVER_TEST_SERVER_H_
