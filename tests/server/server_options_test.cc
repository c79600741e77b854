// ValidateServerOptions: every setting that cannot work is refused, naming
// its flag (issue 16, items 8 and 14).
#include "server/server_options.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace regserve::server {
namespace {

using ::testing::HasSubstr;

std::string Problem(const std::function<void(ServerOptions&)>& edit) {
  ServerOptions options;
  edit(options);
  return std::string(ValidateServerOptions(options).message());
}

TEST(ServerOptionsTest, DefaultsAreValid) {
  EXPECT_TRUE(ValidateServerOptions(ServerOptions()).ok());
}

TEST(ServerOptionsTest, EachBadValueNamesItsFlag) {
  EXPECT_THAT(Problem([](auto& o) { o.port = -1; }), HasSubstr("--port "));
  EXPECT_THAT(Problem([](auto& o) { o.port = 65536; }), HasSubstr("--port "));
  EXPECT_THAT(Problem([](auto& o) { o.metrics_port = -2; }),
              HasSubstr("--metrics_port"));
  EXPECT_THAT(Problem([](auto& o) { o.http_threads = 0; }),
              HasSubstr("--http_threads"));
  EXPECT_THAT(Problem([](auto& o) { o.http_max_connections = 0; }),
              HasSubstr("--http_max_connections"));
  EXPECT_THAT(
      Problem([](auto& o) { o.http_read_timeout = absl::ZeroDuration(); }),
      HasSubstr("--http_read_timeout_seconds must be a finite duration > 0"));
  EXPECT_THAT(Problem([](auto& o) { o.http_idle_timeout = absl::Seconds(-1); }),
              HasSubstr("--http_idle_timeout_seconds"));
  EXPECT_THAT(Problem([](auto& o) { o.memory_quota_bytes = 1 << 20; }),
              HasSubstr("--memory_quota_bytes must be at least "
                        "--max_message_bytes"));
  EXPECT_THAT(Problem([](auto& o) { o.max_message_bytes = 0; }),
              HasSubstr("--max_message_bytes"));
  EXPECT_THAT(Problem([](auto& o) { o.max_calls_per_method = 0; }),
              HasSubstr("--max_calls_per_method"));
  EXPECT_THAT(
      Problem([](auto& o) { o.model_poll_interval = absl::Seconds(-1); }),
      HasSubstr("--model_poll_seconds"));
  EXPECT_THAT(Problem([](auto& o) { o.model_repository = ""; }),
              HasSubstr("--model_repository"));
  EXPECT_THAT(Problem([](auto& o) { o.tls.require_client_cert = true; }),
              HasSubstr("--tls_cert is missing"));
}

TEST(ServerOptionsTest, ApiKeysNeverTravelInClearUnlessAllowed) {
  auto keys = [](ServerOptions& o) { o.api_keys_file = "keys.pbtxt"; };
  EXPECT_THAT(Problem(keys), HasSubstr("--api_keys_file needs --tls_cert"));
  EXPECT_THAT(Problem([&](auto& o) {
                keys(o);
                o.tls.cert_file = "server.pem";
                o.tls.key_file = "server.key";
              }),
              HasSubstr("HTTP gateway"));
  EXPECT_TRUE(Problem([&](auto& o) {
                keys(o);
                o.tls.cert_file = "server.pem";
                o.tls.key_file = "server.key";
                o.http_port = 0;
              }).empty());
  EXPECT_TRUE(Problem([&](auto& o) {
                keys(o);
                o.allow_plaintext_api_keys = true;
              }).empty());
}

}  // namespace
}  // namespace regserve::server
