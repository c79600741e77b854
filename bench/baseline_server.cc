// baseline-server: the bare gRPC limit that regserve is compared with. An
// async generic service (one completion queue and polling thread per
// --threads) answers every unary call, whatever its method, with one fixed,
// pre-serialized PredictResponse: no parsing, no model, no metrics.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "common/program_usage.h"
#include "common/server_process.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"
#include "regserve/v1/prediction_service.pb.h"

ABSL_FLAG(int, port, 50052, "Port on all interfaces; 0 = a free port.");
ABSL_FLAG(int, threads, 1, "Completion queues, one polling thread each.");
ABSL_FLAG(std::string, port_file, "", "Write the bound port here.");

namespace {

// Set before shutdown so finishing calls stop re-arming.
std::atomic<bool> g_shutting_down{false};

// One outstanding generic call: request, read the message, write the fixed
// answer with status OK, then re-arm. Deletes itself at shutdown.
class GenericCall {
 public:
  GenericCall(grpc::AsyncGenericService* service,
              grpc::ServerCompletionQueue* cq, const grpc::ByteBuffer* answer)
      : service_(service), cq_(cq), answer_(answer) {}

  void Arm() {
    ctx_.emplace();
    stream_.emplace(&*ctx_);
    state_ = State::kRequested;
    service_->RequestCall(&*ctx_, &*stream_, cq_, cq_, this);
  }

  void Proceed(bool ok) {
    if (!ok && state_ != State::kFinishing) {
      delete this;
      return;
    }
    switch (state_) {
      case State::kRequested:
        state_ = State::kReading;
        stream_->Read(&request_, this);
        return;
      case State::kReading:
        state_ = State::kFinishing;
        stream_->WriteAndFinish(*answer_, grpc::WriteOptions(),
                                grpc::Status::OK, this);
        return;
      case State::kFinishing:
        if (g_shutting_down.load()) {
          delete this;
          return;
        }
        stream_.reset();
        ctx_.reset();
        request_.Clear();
        Arm();
        return;
    }
  }

 private:
  enum class State { kRequested, kReading, kFinishing };
  grpc::AsyncGenericService* service_;
  grpc::ServerCompletionQueue* cq_;
  const grpc::ByteBuffer* answer_;
  std::optional<grpc::GenericServerContext> ctx_;
  std::optional<grpc::GenericServerAsyncReaderWriter> stream_;
  grpc::ByteBuffer request_;
  State state_ = State::kRequested;
};

grpc::ByteBuffer FixedAnswer() {
  regserve::v1::PredictResponse response;
  response.set_prediction(30.003843377016761);
  response.mutable_model_spec()->set_name("boston_housing");
  response.mutable_model_spec()->set_version(1);
  const std::string bytes = response.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace

int main(int argc, char** argv) {
  regserve::common::InitProgramUsage(
      "The bare gRPC baseline for benchmarks: answers any unary call with a "
      "fixed response.",
      __FILE__);
  absl::ParseCommandLine(argc, argv);
  regserve::common::DisableMutexDeadlockDetection();
  const sigset_t signals = regserve::common::BlockSignals({SIGTERM, SIGINT});

  const grpc::ByteBuffer answer = FixedAnswer();
  grpc::AsyncGenericService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::StrCat("0.0.0.0:", absl::GetFlag(FLAGS_port)),
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterAsyncGenericService(&service);
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
  queues.reserve(absl::GetFlag(FLAGS_threads));
  for (int i = 0; i < absl::GetFlag(FLAGS_threads); ++i) {
    queues.push_back(builder.AddCompletionQueue());
  }
  auto server = builder.BuildAndStart();
  if (server == nullptr) return 1;
  std::vector<std::thread> pollers;
  for (auto& cq : queues) {
    for (int i = 0; i < 128; ++i) {
      (new GenericCall(&service, cq.get(), &answer))->Arm();
    }
    pollers.emplace_back([q = cq.get()] {
      void* tag;
      bool ok;
      while (q->Next(&tag, &ok)) static_cast<GenericCall*>(tag)->Proceed(ok);
    });
  }
  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    regserve::common::WriteFileAtomically(path, absl::StrCat(port, "\n"));
  }
  std::fprintf(stderr, "baseline-server listening on %d\n", port);
  int sig = 0;
  sigwait(&signals, &sig);
  g_shutting_down = true;
  server->Shutdown();
  for (auto& cq : queues) cq->Shutdown();
  for (auto& t : pollers) t.join();
  return 0;
}
