// API keys end to end: a real server with a keys file, called over gRPC and
// HTTP with no key, an unknown key, a valid key, and a key outside its
// grant; and a keys file reload that takes effect without a restart.
#include "server/security/api_keys.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "model/sha256.h"
#include "tests/server/http/http_test_client.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::testing {
namespace {

using ::testing::HasSubstr;
namespace v1 = ::regserve::v1;

// Keys file granting "pricing" everything on boston_housing and "reader"
// only metadata.
std::string KeysFile(const std::string& pricing_key) {
  return absl::StrCat(
      "keys { name: \"pricing\" sha256: \"", model::Sha256Hex(pricing_key),
      "\" methods: \"*\" models: \"boston_housing\" }\n",
      "keys { name: \"reader\" sha256: \"", model::Sha256Hex("reader-secret"),
      "\" methods: \"GetModelMetadata\" models: \"*\" }\n");
}

TEST(ApiKeyStoreTest, AuthenticatesAndAuthorizes) {
  TempDir dir;
  const std::string path = dir.path() + "/keys.pbtxt";
  std::ofstream(path) << KeysFile("s3cret");
  auto store = server::security::ApiKeyStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(
      (*store)->Authorize("Bearer s3cret", "Predict", "boston_housing").ok());
  EXPECT_TRUE((*store)->Authorize("bearer s3cret", "ListModels", "").ok());
  EXPECT_EQ((*store)->Authorize("", "Predict", "m").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ((*store)->Authorize("Basic abc", "Predict", "m").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ((*store)->Authorize("Bearer wrong", "Predict", "m").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(
      (*store)->Authorize("Bearer s3cret", "Predict", "other").message(),
      HasSubstr("API key 'pricing' may not call Predict on model 'other'"));
  EXPECT_EQ((*store)->Authorize("Bearer reader-secret", "Predict", "x").code(),
            absl::StatusCode::kPermissionDenied);
  // A bad file on reload keeps the old keys.
  std::ofstream(path) << "keys { name: ";
  EXPECT_FALSE((*store)->Reload().ok());
  EXPECT_TRUE(
      (*store)->Authorize("Bearer s3cret", "Predict", "boston_housing").ok());
}

TEST(ApiKeyStoreTest, RejectsMalformedFiles) {
  TempDir dir;
  const std::string path = dir.path() + "/keys.pbtxt";
  std::ofstream(path) << "keys { name: \"a\" sha256: \"abc\" }";
  EXPECT_THAT(server::security::ApiKeyStore::Open(path).status().message(),
              HasSubstr("64-digit hex sha256"));
  std::ofstream(path) << KeysFile("x") << KeysFile("y");
  EXPECT_THAT(server::security::ApiKeyStore::Open(path).status().message(),
              HasSubstr("appears twice"));
}

class ApiKeysServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_path_ = dir_.path() + "/keys.pbtxt";
    std::ofstream(keys_path_) << KeysFile("s3cret");
    server::ServerOptions options = TestServerOptions();
    options.api_keys_file = keys_path_;
    options.http_port = server::ServerOptions::kAnyPort;
    // Plaintext gRPC and HTTP on loopback: the test's network is trusted.
    options.allow_plaintext_api_keys = true;
    AdjustOptions(options);
    server_ = StartTestServer(options);
    ASSERT_NE(server_, nullptr);
    channel_ = Connect(server_->port());
  }
  virtual void AdjustOptions(server::ServerOptions&) {}
  grpc::StatusCode Predict(const std::string& key,
                           const std::string& model = "") {
    auto stub = v1::PredictionService::NewStub(channel_);
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    v1::PredictRequest request = SeedRequest();
    request.mutable_model_spec()->set_name(model);
    v1::PredictResponse response;
    return stub->Predict(&ctx, request, &response).error_code();
  }
  long HttpPredict(const std::string& key) {
    // libcurl sends the header only through HttpCall's generic headers, so
    // use a path that needs no body parsing to check the gate.
    auto r = HttpCall(server_->http_port(), "GET", "/v1/models/boston_housing",
                      "", key.empty() ? "" : "Bearer " + key);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->status : 0;
  }
  TempDir dir_;
  std::string keys_path_;
  std::unique_ptr<server::RegserveServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ApiKeysServerTest, EachKeyCaseGetsItsCode) {
  EXPECT_EQ(Predict(""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Predict("guess"), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Predict("s3cret"), grpc::StatusCode::OK);
  EXPECT_EQ(Predict("reader-secret"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(HttpPredict(""), 401);
  EXPECT_EQ(HttpPredict("guess"), 401);
  EXPECT_EQ(HttpPredict("reader-secret"), 200);
  // Probes stay open.
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_TRUE(
      health->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &response)
          .ok());
  EXPECT_EQ(HttpCall(server_->http_port(), "GET", "/readyz")->status, 200);
}

TEST_F(ApiKeysServerTest, ReloadTakesEffectWithoutRestart) {
  EXPECT_EQ(Predict("s3cret"), grpc::StatusCode::OK);
  std::ofstream(keys_path_ + ".tmp") << KeysFile("rotated");
  std::filesystem::rename(keys_path_ + ".tmp", keys_path_);
  server_->Reload();  // what SIGHUP does
  EXPECT_EQ(Predict("s3cret"), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Predict("rotated"), grpc::StatusCode::OK);
}

// Issue 16, item 14: --auth_health covered Check but not Watch.
class AuthHealthTest : public ApiKeysServerTest {
 protected:
  void AdjustOptions(server::ServerOptions& options) override {
    options.auth_health = true;
  }
  grpc::Status Watch(const std::string& key) {
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoSeconds(kEventTimeout));
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    auto stream = health->Watch(&ctx, grpc::health::v1::HealthCheckRequest());
    grpc::health::v1::HealthCheckResponse update;
    if (stream->Read(&update)) {
      EXPECT_EQ(update.status(),
                grpc::health::v1::HealthCheckResponse::SERVING);
      ctx.TryCancel();
      stream->Finish().IgnoreError();
      return grpc::Status::OK;
    }
    return stream->Finish();
  }
  grpc::StatusCode Check(const std::string& key) {
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    grpc::health::v1::HealthCheckResponse response;
    return health
        ->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &response)
        .error_code();
  }
};

TEST_F(AuthHealthTest, CheckAndWatchBothNeedAKey) {
  EXPECT_EQ(Check(""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Check("s3cret"), grpc::StatusCode::OK);
  EXPECT_EQ(Watch("").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Watch("guess").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Watch("s3cret").ok());
}

// Issue 16, item 14: settings that ask for protection either get it or
// refuse to start; they never run open without a word.
TEST(FailClosedTest, ProtectionThatCannotBeGivenRefusesToStart) {
  TempDir dir;
  const std::string keys = dir.path() + "/keys.pbtxt";
  std::ofstream(keys) << KeysFile("s3cret");
  auto refused = [](const server::ServerOptions& options,
                    const std::string& names) {
    auto server = server::RegserveServer::Start(options);
    EXPECT_FALSE(server.ok());
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(server.status().message(), HasSubstr(names));
  };
  server::ServerOptions tls_without_cert = TestServerOptions();
  tls_without_cert.tls.key_file = dir.path() + "/server.key";
  refused(tls_without_cert, "--tls_cert");
  tls_without_cert = TestServerOptions();
  tls_without_cert.tls.client_ca_file = dir.path() + "/ca.pem";
  tls_without_cert.tls.require_client_cert = true;
  refused(tls_without_cert, "--tls_cert");

  server::ServerOptions keys_in_clear = TestServerOptions();
  keys_in_clear.api_keys_file = keys;
  refused(keys_in_clear, "--api_keys_file needs --tls_cert");
  keys_in_clear.allow_plaintext_api_keys = true;  // said explicitly: runs
  EXPECT_NE(StartTestServer(keys_in_clear), nullptr);
}

}  // namespace
}  // namespace regserve::testing
