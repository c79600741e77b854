// SIGTERM to the real regserve-server binary while clients load it: every
// call the server accepted completes correctly (the server's own count of
// answered calls equals the clients' count of good answers), the rest are
// refused (UNAVAILABLE) or, if gRPC was still receiving them when it stopped
// accepting, cancelled before any handler saw them; and the process exits 0.
#include <signal.h>

#include <atomic>
#include <thread>

#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/reliability/reliability_util.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::testing {
namespace {

namespace v1 = ::regserve::v1;

TEST(SigtermTest, FinishesEveryAcceptedCallAndExitsZero) {
  TempDir dir;
  const ServerProcess server =
      SpawnServer(dir.path(), "server", {"--shutdown_grace_seconds=20"});
  ASSERT_GT(server.port, 0) << "server did not start";
  const int port = server.port;
  const v1::BatchPredictRequest request = BigTable(20000);
  std::atomic<int> ok{0}, refused{0}, other{0}, wrong{0};
  std::atomic<bool> signalled{false};
  std::atomic<int> ok_after_signal{0};
  std::vector<std::thread> clients;
  clients.reserve(6);
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&] {
      auto stub = v1::PredictionService::NewStub(Connect(port));
      while (true) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
        v1::BatchPredictResponse response;
        const bool before = signalled.load();
        grpc::Status status = stub->BatchPredict(&ctx, request, &response);
        if (status.ok()) {
          ++ok;
          if (before != signalled.load()) ++ok_after_signal;
          if (response.predictions_size() != 20000 ||
              std::abs(response.predictions(19999) - 30.00384338) > 1e-8) {
            ++wrong;
          }
          continue;
        }
        const bool is_refusal =
            status.error_code() == grpc::StatusCode::UNAVAILABLE ||
            status.error_code() == grpc::StatusCode::CANCELLED;
        (is_refusal ? refused : other)++;
        if (!is_refusal) {
          ADD_FAILURE() << status.error_code() << ": "
                        << status.error_message();
        }
        return;  // the server is gone; a real client would retry elsewhere
      }
    });
  }
  while (ok.load() < 30 && other.load() == 0) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  signalled = true;
  ASSERT_EQ(kill(server.pid, SIGTERM), 0);
  for (auto& c : clients) c.join();
  EXPECT_EQ(WaitForExit(server.pid, absl::Seconds(30)), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(refused.load(), 6);  // each client ends on a refusal
  EXPECT_GE(ok.load(), 30);
  // No accepted call was lost: whatever the server answered, a client got.
  EXPECT_EQ(AnsweredCalls(server.log_file), ok.load());
  std::cout << "calls ok " << ok << ", of which in flight at SIGTERM "
            << ok_after_signal << "\n";
}

}  // namespace
}  // namespace regserve::testing
