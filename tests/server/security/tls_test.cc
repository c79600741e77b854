// Transport security of the gRPC port: MakeServerCredentials (server) and
// MakeChannelCredentials (regserve-cli, regserve-bench) against a real gRPC
// server on a loopback port. Certificates are generated at test time with
// the openssl command line: a CA, two server certificates for localhost
// (different CNs, for rotation), a client certificate, an unrelated CA with
// its own client certificate, and an expired server certificate.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/channel_credentials.h"
#include "client/cli_commands.h"
#include "client/cli_options.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/server_context.h"
#include "gtest/gtest.h"
#include "server/security/server_credentials.h"
#include "server/security/tls_options.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

constexpr char kServerOneCn[] = "regserve-server-one";
constexpr char kServerTwoCn[] = "regserve-server-two";
constexpr char kClientCn[] = "regserve-client";

// Runs a shell command in `dir`, output appended to dir/openssl.log.
bool Run(const std::string& dir, const std::string& command) {
  const std::string line =
      "cd '" + dir + "' && " + command + " >>openssl.log 2>&1";
  if (std::system(line.c_str()) == 0) return true;
  std::ifstream log(dir + "/openssl.log");
  std::stringstream text;
  text << log.rdbuf();
  ADD_FAILURE() << "failed: " << command << "\n" << text.str();
  return false;
}

// New EC P-256 key <name>.key and CSR <name>.csr with CN `cn`.
std::string NewKeyAndCsr(const std::string& name, const std::string& cn) {
  return "openssl req -new -config openssl.cnf -newkey ec -pkeyopt "
         "ec_paramgen_curve:prime256v1 -nodes -keyout " +
         name + ".key -out " + name + ".csr -subj /CN=" + cn;
}

// Self-signed CA <name>.pem / <name>.key.
std::string NewCa(const std::string& name, const std::string& cn) {
  return "openssl req -x509 -config openssl.cnf -extensions v3_ca -newkey ec "
         "-pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
         name + ".key -out " + name + ".pem -subj /CN=" + cn + " -days 2";
}

// Signs <name>.csr with CA <ca> into <name>.pem, with extensions `section`.
std::string Sign(const std::string& name, const std::string& ca,
                 const std::string& section) {
  return "openssl x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " +
         ca +
         ".key -CAcreateserial -days 2 -extfile openssl.cnf "
         "-extensions " +
         section + " -out " + name + ".pem";
}

bool GenerateCertificates(const std::string& dir) {
  std::filesystem::copy_file(regserve::testing::SourcePath(
                                 "tests/server/security/test_certificates.cnf"),
                             dir + "/openssl.cnf");
  std::ofstream(dir + "/index.txt");
  std::ofstream(dir + "/serial.txt") << "1000\n";
  std::filesystem::create_directory(dir + "/issued");
  return Run(dir, NewCa("ca", "regserve-test-ca")) &&
         Run(dir, NewCa("other_ca", "unrelated-ca")) &&
         Run(dir, NewKeyAndCsr("server", kServerOneCn)) &&
         Run(dir, Sign("server", "ca", "server")) &&
         Run(dir, NewKeyAndCsr("server2", kServerTwoCn)) &&
         Run(dir, Sign("server2", "ca", "server_two")) &&
         Run(dir, NewKeyAndCsr("client", kClientCn)) &&
         Run(dir, Sign("client", "ca", "client")) &&
         Run(dir, NewKeyAndCsr("other_client", "unrelated-client")) &&
         Run(dir, Sign("other_client", "other_ca", "client")) &&
         Run(dir, NewKeyAndCsr("expired", "regserve-expired")) &&
         Run(dir,
             "openssl ca -batch -config openssl.cnf -extensions server "
             "-cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem "
             "-startdate 20200101000000Z -enddate 20200102000000Z -notext");
}

// Health service answering SERVING and remembering the client certificate's
// CN of the last call.
class HealthImpl final : public Health::Service {
 public:
  grpc::Status Check(grpc::ServerContext* context, const HealthCheckRequest*,
                     HealthCheckResponse* response) override {
    std::string cn;
    for (const grpc::string_ref& value :
         context->auth_context()->FindPropertyValues("x509_common_name")) {
      cn.assign(value.data(), value.size());
    }
    absl::MutexLock lock(&mu_);
    last_client_cn_ = cn;
    response->set_status(HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
  std::string last_client_cn() {
    absl::MutexLock lock(&mu_);
    return last_client_cn_;
  }

 private:
  absl::Mutex mu_;
  std::string last_client_cn_;
};

// A gRPC server with the health service on 127.0.0.1:<port>.
struct TestServer {
  HealthImpl health;
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  ~TestServer() {
    if (server != nullptr) {
      server->Shutdown(std::chrono::system_clock::now() +
                       std::chrono::seconds(1));
    }
  }
};

// Starts a TestServer with MakeServerCredentials(options); null (with a
// test failure) if it cannot.
std::unique_ptr<TestServer> StartServer(
    const server::security::TlsOptions& options) {
  auto credentials = server::security::MakeServerCredentials(options);
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  if (!credentials.ok()) return nullptr;
  auto test_server = std::make_unique<TestServer>();
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", *credentials, &test_server->port);
  builder.RegisterService(&test_server->health);
  test_server->server = builder.BuildAndStart();
  EXPECT_NE(test_server->server, nullptr);
  EXPECT_NE(test_server->port, 0);
  if (test_server->server == nullptr || test_server->port == 0) return nullptr;
  return test_server;
}

struct CallResult {
  grpc::Status status;
  std::string server_cn;  // x509_common_name of the server's certificate
};

// One Health.Check on a new connection (own subchannel pool, so no
// connection is reused) to 127.0.0.1:port.
CallResult CheckHealth(int port, const client::ClientTlsOptions& tls) {
  CallResult result;
  auto credentials = client::MakeChannelCredentials(tls);
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  if (!credentials.ok()) return result;
  grpc::ChannelArguments args = client::TlsChannelArguments(tls);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                           *credentials, args);
  auto stub = Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoSeconds(testing::kEventTimeout));
  HealthCheckRequest request;
  HealthCheckResponse response;
  result.status = stub->Check(&context, request, &response);
  if (result.status.ok()) {
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
    for (const grpc::string_ref& value :
         context.auth_context()->FindPropertyValues("x509_common_name")) {
      result.server_cn.assign(value.data(), value.size());
    }
  }
  return result;
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new testing::TempDir();
    certs_ok_ = GenerateCertificates(certs_->path());
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(certs_ok_) << "certificate generation failed";
  }

  static std::string Path(const std::string& name) {
    return certs_->path() + "/" + name;
  }
  static server::security::TlsOptions ServerTls() {
    server::security::TlsOptions tls;
    tls.cert_file = Path("server.pem");
    tls.key_file = Path("server.key");
    return tls;
  }
  static server::security::TlsOptions MutualTls() {
    server::security::TlsOptions tls = ServerTls();
    tls.client_ca_file = Path("ca.pem");
    tls.require_client_cert = true;
    return tls;
  }
  static client::ClientTlsOptions ClientTls() {
    client::ClientTlsOptions tls;
    tls.ca_file = Path("ca.pem");
    return tls;
  }
  static client::ClientTlsOptions ClientTlsWithCert() {
    client::ClientTlsOptions tls = ClientTls();
    tls.cert_file = Path("client.pem");
    tls.key_file = Path("client.key");
    return tls;
  }

  static testing::TempDir* certs_;
  static bool certs_ok_;
};

testing::TempDir* TlsTest::certs_ = nullptr;
bool TlsTest::certs_ok_ = false;

TEST_F(TlsTest, PlaintextWhenTlsIsOff) {
  auto server = StartServer(server::security::TlsOptions());
  ASSERT_NE(server, nullptr);
  const CallResult result = CheckHealth(server->port, {});
  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.server_cn, "");
}

TEST_F(TlsTest, TlsCallSucceeds) {
  auto server = StartServer(ServerTls());
  ASSERT_NE(server, nullptr);
  const CallResult result = CheckHealth(server->port, ClientTls());
  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.server_cn, kServerOneCn);
  EXPECT_EQ(server->health.last_client_cn(), "");
}

TEST_F(TlsTest, ServerNameOverrideIsChecked) {
  auto server = StartServer(ServerTls());
  ASSERT_NE(server, nullptr);
  client::ClientTlsOptions tls = ClientTls();
  tls.server_name_override = "localhost";
  EXPECT_TRUE(CheckHealth(server->port, tls).status.ok());
  tls.server_name_override = "not-in-the-certificate.test";
  EXPECT_EQ(CheckHealth(server->port, tls).status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, PlaintextClientCannotTalkToTlsServer) {
  auto server = StartServer(ServerTls());
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(CheckHealth(server->port, {}).status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsWithClientCertSucceeds) {
  auto server = StartServer(MutualTls());
  ASSERT_NE(server, nullptr);
  const CallResult result = CheckHealth(server->port, ClientTlsWithCert());
  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.server_cn, kServerOneCn);
  EXPECT_EQ(server->health.last_client_cn(), kClientCn);
}

TEST_F(TlsTest, ClientTrustingAnotherCaFails) {
  auto server = StartServer(ServerTls());
  ASSERT_NE(server, nullptr);
  client::ClientTlsOptions tls = ClientTls();
  tls.ca_file = Path("other_ca.pem");
  EXPECT_EQ(CheckHealth(server->port, tls).status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRefusesClientWithoutCert) {
  auto server = StartServer(MutualTls());
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(CheckHealth(server->port, ClientTls()).status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRefusesClientCertFromAnotherCa) {
  auto server = StartServer(MutualTls());
  ASSERT_NE(server, nullptr);
  client::ClientTlsOptions tls = ClientTls();
  tls.cert_file = Path("other_client.pem");
  tls.key_file = Path("other_client.key");
  EXPECT_EQ(CheckHealth(server->port, tls).status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, OptionalClientCertIsVerifiedWhenPresented) {
  server::security::TlsOptions options = MutualTls();
  options.require_client_cert = false;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(CheckHealth(server->port, ClientTls()).status.ok());
  EXPECT_TRUE(CheckHealth(server->port, ClientTlsWithCert()).status.ok());
  EXPECT_EQ(server->health.last_client_cn(), kClientCn);
  client::ClientTlsOptions other = ClientTls();
  other.cert_file = Path("other_client.pem");
  other.key_file = Path("other_client.key");
  EXPECT_FALSE(CheckHealth(server->port, other).status.ok());
}

TEST_F(TlsTest, ExpiredServerCertFails) {
  server::security::TlsOptions options = ServerTls();
  options.cert_file = Path("expired.pem");
  options.key_file = Path("expired.key");
  auto server = StartServer(options);  // only logs a warning
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(CheckHealth(server->port, ClientTls()).status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, RejectsMissingFiles) {
  server::security::TlsOptions options = ServerTls();
  options.cert_file = Path("missing.pem");
  auto status = server::security::MakeServerCredentials(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(Path("missing.pem")));

  options = ServerTls();
  options.key_file = Path("missing.key");
  status = server::security::MakeServerCredentials(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(Path("missing.key")));

  options = MutualTls();
  options.client_ca_file = Path("missing_ca.pem");
  status = server::security::MakeServerCredentials(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(Path("missing_ca.pem")));
}

TEST_F(TlsTest, RejectsKeyNotMatchingCert) {
  server::security::TlsOptions options = ServerTls();
  options.key_file = Path("client.key");
  const absl::Status status =
      server::security::MakeServerCredentials(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(Path("client.key")));
  EXPECT_THAT(status.message(), HasSubstr("does not match"));
}

TEST_F(TlsTest, RejectsNonPemAndIncompleteOptions) {
  server::security::TlsOptions options = ServerTls();
  options.cert_file = Path("openssl.cnf");
  absl::Status status =
      server::security::MakeServerCredentials(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(Path("openssl.cnf")));

  options = ServerTls();
  options.key_file = Path("server.pem");  // a certificate, not a key
  status = server::security::MakeServerCredentials(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(Path("server.pem")));

  options = ServerTls();
  options.key_file.clear();
  EXPECT_EQ(server::security::MakeServerCredentials(options).status().code(),
            absl::StatusCode::kInvalidArgument);

  options = MutualTls();
  options.client_ca_file.clear();
  EXPECT_EQ(server::security::MakeServerCredentials(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TlsTest, ClientRejectsBadOptions) {
  client::ClientTlsOptions tls = ClientTls();
  tls.ca_file = Path("missing_ca.pem");
  absl::Status status = client::MakeChannelCredentials(tls).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(Path("missing_ca.pem")));

  tls = ClientTls();
  tls.cert_file = Path("client.pem");  // no key
  EXPECT_EQ(client::MakeChannelCredentials(tls).status().code(),
            absl::StatusCode::kInvalidArgument);

  tls = ClientTlsWithCert();
  tls.key_file = Path("client.pem");  // not a key
  status = client::MakeChannelCredentials(tls).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--tls_key"));

  tls = client::ClientTlsOptions();
  tls.cert_file = Path("client.pem");  // TLS field without --tls_ca
  tls.key_file = Path("client.key");
  EXPECT_EQ(client::MakeChannelCredentials(tls).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TlsTest, DescribeTransport) {
  EXPECT_EQ(server::security::DescribeTransport(server::security::TlsOptions()),
            "plaintext (no --tls_cert)");
  EXPECT_EQ(server::security::DescribeTransport(ServerTls()), "TLS");
  EXPECT_EQ(server::security::DescribeTransport(MutualTls()),
            "mutual TLS (client certificates required)");
}

TEST_F(TlsTest, CliHealthOverMutualTls) {
  auto server = StartServer(MutualTls());
  ASSERT_NE(server, nullptr);
  client::CliOptions options;
  options.target = "127.0.0.1:" + std::to_string(server->port);
  options.tls = ClientTlsWithCert();
  std::ostringstream out;
  const absl::Status status = client::RunCommand("health", options, out);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(out.str(), "SERVING\n");

  options.tls = ClientTls();
  options.tls.cert_file = Path("missing.pem");
  options.tls.key_file = Path("client.key");
  EXPECT_EQ(client::RunCommand("health", options, out).code(),
            absl::StatusCode::kInvalidArgument);
}

// The real server over mutual TLS: predictions through regserve-cli's code
// path succeed with a client certificate and fail without one.
TEST_F(TlsTest, RegserveServerServesPredictionsOverMutualTls) {
  server::ServerOptions server_options = testing::TestServerOptions();
  server_options.tls = MutualTls();
  auto server = testing::StartTestServer(server_options);
  ASSERT_NE(server, nullptr);
  client::CliOptions options;
  options.target = "localhost:" + std::to_string(server->port());
  options.tls = ClientTlsWithCert();
  std::ostringstream out;
  ASSERT_TRUE(client::RunCommand("metadata", options, out).ok());
  EXPECT_THAT(out.str(), HasSubstr("boston_housing"));
  options.tls = ClientTls();  // no client certificate
  EXPECT_FALSE(client::RunCommand("metadata", options, out).ok());
}

// Copies `from` over `to` atomically (write a temporary file, rename).
void ReplaceFile(const std::string& from, const std::string& to) {
  const std::string temp = to + ".tmp";
  std::filesystem::copy_file(from, temp,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(temp, to);
}

TEST_F(TlsTest, RotatedCertificateIsUsedWithoutRestart) {
  const std::string dir = certs_->path() + "/rotating";
  std::filesystem::create_directory(dir);
  ReplaceFile(Path("server.pem"), dir + "/tls.crt");
  ReplaceFile(Path("server.key"), dir + "/tls.key");
  server::security::TlsOptions options;
  options.cert_file = dir + "/tls.crt";
  options.key_file = dir + "/tls.key";
  options.reload_interval = absl::Seconds(1);
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  CallResult result = CheckHealth(server->port, ClientTls());
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.server_cn, kServerOneCn);

  ReplaceFile(Path("server2.key"), dir + "/tls.key");
  ReplaceFile(Path("server2.pem"), dir + "/tls.crt");
  // Reloaded within one interval: new connections see the new certificate
  // (the wait only bounds a hang).
  testing::WaitUntil([&] {
    result = CheckHealth(server->port, ClientTls());
    return result.status.ok() && result.server_cn == kServerTwoCn;
  });
  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.server_cn, kServerTwoCn);
  // A name only the new certificate holds.
  client::ClientTlsOptions tls = ClientTls();
  tls.server_name_override = "regserve-two.test";
  EXPECT_TRUE(CheckHealth(server->port, tls).status.ok());
}

}  // namespace
}  // namespace regserve
