// A rolling restart of two real regserve-server processes under load, with
// clients that retry elsewhere. Each server in turn gets SIGTERM and is
// replaced by a new process; clients retry a call refused with UNAVAILABLE
// (server stopping or gone) or CANCELLED (it was still arriving when the
// server stopped, so no handler saw it) on the next server, and never see
// another error. Nothing is lost: every request gets its correct answer,
// and each server's own count of answered calls equals the answers clients
// got from it. (tests/server/sigterm_test.cc covers one server's SIGTERM
// under load without retries.)
#include <signal.h>

#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "server/repository/version_loader.h"
#include "tests/reliability/reliability_util.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::testing {
namespace {

namespace v1 = ::regserve::v1;

constexpr int kClients = 4;
constexpr int kBatchRows = 2000;

// The ports clients may use, in order of preference; a client that is
// refused moves on to the next.
class Targets {
 public:
  void Set(std::vector<int> ports) {
    absl::MutexLock lock(&mu_);
    ports_ = std::move(ports);
  }
  int Pick(size_t n) {
    absl::MutexLock lock(&mu_);
    return ports_[n % ports_.size()];
  }

 private:
  absl::Mutex mu_;
  std::vector<int> ports_ ABSL_GUARDED_BY(mu_);
};

class RollingRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto model =
        server::LoadVersion(SourcePath("models"), "boston_housing", 1, nullptr);
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = *std::move(model);
  }

  ServerProcess Start(const std::string& name) {
    ServerProcess s =
        SpawnServer(dir_.path(), name, {"--shutdown_grace_seconds=20"});
    EXPECT_GT(s.port, 0) << name << " did not start";
    return s;
  }

  // SIGTERM, exit 0, and the server answered exactly what clients got.
  void Stop(const ServerProcess& s) {
    ASSERT_EQ(kill(s.pid, SIGTERM), 0);
    EXPECT_EQ(WaitForExit(s.pid, kEventTimeout), 0);
    // Its last answers may still be on their way into the clients' counts:
    // wait until no client call to it is still open (they all end now that
    // the process is gone).
    absl::MutexLock lock(&mu_);
    auto settled = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return calls_open_by_port_[s.port] == 0;
    };
    EXPECT_TRUE(mu_.AwaitWithTimeout(absl::Condition(&settled), kEventTimeout))
        << "client calls to port " << s.port << " still open";
    EXPECT_EQ(AnsweredCalls(s.log_file), ok_by_port_[s.port])
        << "server on port " << s.port;
    ok_by_port_.erase(s.port);  // a later server may get the same port
  }

  int64_t AnsweredBy(int port) {
    absl::MutexLock lock(&mu_);
    return ok_by_port_[port];
  }

  void WaitUntilAnsweredBy(int port, int64_t calls) {
    EXPECT_TRUE(WaitUntil([&] { return AnsweredBy(port) >= calls; }))
        << "port " << port << " answered only " << AnsweredBy(port);
  }

  // One call of request `id` to `port`: Predict of one row for even
  // clients, BatchPredict of kBatchRows rows (so that calls are in flight
  // when a server stops) for odd ones. Counts a wrong answer.
  grpc::Status Call(int c, int64_t id, v1::PredictionService::Stub& stub,
                    int port) {
    {
      absl::MutexLock lock(&mu_);
      ++calls_open_by_port_[port];
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoSeconds(kEventTimeout));
    const double crim = 0.001 * static_cast<double>(id);
    grpc::Status status;
    int64_t wrong = 0;
    if (c % 2 == 0) {
      v1::PredictResponse response;
      status = stub.Predict(&ctx, RowRequest(crim), &response);
      if (status.ok() &&
          std::abs(response.prediction() -
                   model_->model.Predict(RowValues(crim))) > 1e-9) {
        ++wrong;
      }
    } else {
      v1::BatchPredictRequest request;
      for (const auto& name : BostonFeatureNames()) {
        request.mutable_table()->add_columns(name);
      }
      for (int r = 0; r < kBatchRows; ++r) {
        for (double v : RowValues(crim + 1e-6 * r)) {
          request.mutable_table()->add_values(v);
        }
      }
      v1::BatchPredictResponse response;
      status = stub.BatchPredict(&ctx, request, &response);
      if (status.ok()) {
        if (response.predictions_size() != kBatchRows) ++wrong;
        for (int r = 0; r < response.predictions_size(); ++r) {
          const double expected =
              model_->model.Predict(RowValues(crim + 1e-6 * r));
          if (std::abs(response.predictions(r) - expected) > 1e-9) ++wrong;
        }
      }
    }
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      ++ok_by_port_[port];
      wrong_ += wrong;
    }
    --calls_open_by_port_[port];
    return status;
  }

  // Client `c` sends requests c, c + kClients, ..., round robin over the
  // targets: each retried on the next target until correctly answered, then
  // the next one.
  void Client(int c) {
    std::map<int, std::unique_ptr<v1::PredictionService::Stub>> stubs;
    for (int64_t id = c; !stop_.load(); id += kClients) {
      size_t preference = static_cast<size_t>(id / kClients + c);
      ++issued_;
      bool answered = false;
      for (int attempt = 0; attempt < 500 && !answered; ++attempt) {
        const int port = targets_.Pick(preference);
        auto& stub = stubs[port];
        if (stub == nullptr) {
          stub = v1::PredictionService::NewStub(Connect(port));
        }
        const grpc::Status status = Call(c, id, *stub, port);
        if (status.ok()) {
          answered = true;
        } else if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                   status.error_code() == grpc::StatusCode::CANCELLED) {
          ++(status.error_code() == grpc::StatusCode::UNAVAILABLE ? unavailable_
                                                                  : cancelled_);
          ++preference;  // fail over
          absl::SleepFor(absl::Milliseconds(2));
        } else {
          ++unexpected_;
          ADD_FAILURE() << "port " << port << ": " << status.error_code()
                        << ": " << status.error_message();
        }
      }
      ++(answered ? answered_ : lost_);
    }
  }

  TempDir dir_;
  std::shared_ptr<const server::ServedModel> model_;
  Targets targets_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> issued_{0}, answered_{0}, lost_{0}, unavailable_{0},
      cancelled_{0}, unexpected_{0};
  absl::Mutex mu_;
  std::map<int, int64_t> ok_by_port_ ABSL_GUARDED_BY(mu_);
  // Client calls to each port begun and not yet counted.
  std::map<int, int64_t> calls_open_by_port_ ABSL_GUARDED_BY(mu_);
  int64_t wrong_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_F(RollingRestartTest, ClientsFailOverAndLoseNothing) {
  ServerProcess a = Start("a");
  ServerProcess b = Start("b");
  ASSERT_GT(a.port, 0);
  ASSERT_GT(b.port, 0);
  targets_.Set({a.port, b.port});
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([this, c] { Client(c); });
  }
  WaitUntilAnsweredBy(a.port, 1000);
  WaitUntilAnsweredBy(b.port, 1000);

  // Restart a: SIGTERM, clients move to b; a new a2 joins.
  Stop(a);
  ServerProcess a2 = Start("a2");
  ASSERT_GT(a2.port, 0);
  targets_.Set({a2.port, b.port});
  WaitUntilAnsweredBy(a2.port, 1000);

  // Restart b the same way.
  Stop(b);
  ServerProcess b2 = Start("b2");
  ASSERT_GT(b2.port, 0);
  targets_.Set({a2.port, b2.port});
  WaitUntilAnsweredBy(b2.port, 1000);

  stop_ = true;
  for (auto& c : clients) c.join();
  Stop(a2);
  Stop(b2);

  EXPECT_EQ(lost_.load(), 0);
  EXPECT_EQ(unexpected_.load(), 0);
  EXPECT_EQ(answered_.load(), issued_.load());
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(wrong_, 0);
  std::cout << issued_ << " requests, " << answered_
            << " answered; retried after " << unavailable_
            << " UNAVAILABLE and " << cancelled_ << " CANCELLED\n";
}

}  // namespace
}  // namespace regserve::testing
