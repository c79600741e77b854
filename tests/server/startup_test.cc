// Issue 16, item 8: the real regserve-server binary refuses every flag value
// that cannot work with a message naming it and exit code 1; in particular a
// second server on a taken port no longer starts beside the first (gRPC's
// default SO_REUSEPORT let the kernel split connections between them).
#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reliability/reliability_util.h"
#include "tests/test_util.h"

namespace regserve::testing {
namespace {

using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Starts regserve-server with `flags`; returns its exit code and log.
std::pair<int, std::string> RunToExit(const std::string& dir,
                                      const std::string& name,
                                      const std::vector<std::string>& flags) {
  const ServerProcess server = SpawnServer(dir, name, flags);
  if (server.port > 0) {  // it started: stop it
    kill(server.pid, SIGTERM);
  }
  const int rc = WaitForExit(server.pid, kEventTimeout);
  return {rc, ReadAll(server.log_file)};
}

TEST(StartupTest, FlagsThatCannotWorkExitOneNamingTheFlag) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--port=70000", "--port must be a port from 0 to 65535"},
      {"--http_port=-5", "--http_port must be a port"},
      {"--threads=-1", "--threads must be at least 0"},
      {"--http_threads=0", "--http_threads must be at least 1"},
      {"--max_batch_rows=0", "--max_batch_rows must be at least 1"},
      {"--max_concurrent_streams=0", "--max_concurrent_streams"},
      {"--shutdown_grace_seconds=-1", "--shutdown_grace_seconds"},
      {"--max_queue_delay_ms=-3", "--max_queue_delay_ms"},
      {"--drain_seconds=-1", "--drain_seconds"},
      {"--tls_key=/nonexistent.key", "--tls_cert is missing"},
      {"--port_file=/nonexistent-dir/port", "cannot write --port_file"},
  };
  int i = 0;
  for (const auto& [flag, message] : cases) {
    SCOPED_TRACE(flag);
    const auto [rc, log] =
        RunToExit(dir.path(), absl::StrCat("bad", i++), {flag});
    EXPECT_EQ(rc, 1);
    EXPECT_THAT(log, HasSubstr(message));
  }
}

TEST(StartupTest, ASecondServerOnATakenPortRefusesToStart) {
  TempDir dir;
  const ServerProcess first = SpawnServer(dir.path(), "first");
  ASSERT_GT(first.port, 0);
  const auto [rc, log] =
      RunToExit(dir.path(), "second",
                {absl::StrCat("--port=", first.port), "--port_file="});
  EXPECT_EQ(rc, 1);
  EXPECT_THAT(log,
              HasSubstr(absl::StrCat("cannot listen on 0.0.0.0:", first.port)));
  // The same for the HTTP gateway's and the metrics' ports (HttpListener).
  for (const std::string flag : {"--http_port=", "--metrics_port="}) {
    const auto [http_rc, http_log] =
        RunToExit(dir.path(), flag.substr(2, 4),
                  {"--port=0", absl::StrCat(flag, first.port), "--port_file="});
    EXPECT_EQ(http_rc, 1) << flag;
    EXPECT_THAT(http_log, HasSubstr(absl::StrCat(
                              "cannot serve HTTP on 0.0.0.0:", first.port,
                              ": Address already in use")))
        << flag;
  }
  kill(first.pid, SIGTERM);
  EXPECT_EQ(WaitForExit(first.pid, kEventTimeout), 0);
}

}  // namespace
}  // namespace regserve::testing
