// Helpers for the fault drills: descriptor counts, big requests, a raw TCP
// client that speaks just enough HTTP/2 to misbehave, and regserve-server
// processes started from the build tree.
#ifndef REGSERVE_TESTS_RELIABILITY_RELIABILITY_UTIL_H_
#define REGSERVE_TESTS_RELIABILITY_RELIABILITY_UTIL_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::testing {

// Open descriptors of this process (entries of /proc/self/fd).
int OpenFds();

// Connections the server listening on `port` in this process holds open
// although their client end is gone: this process's TCP sockets whose local
// port is `port` (the listener excluded), less those joined to a socket this
// process's own gRPC clients still hold open. A client channel of the test
// may keep its connection as long as gRPC likes (its business, not the
// server's); a server socket whose peer closed, or whose peer is another
// process, is counted.
int ServerConnections(int port);
// One line per open descriptor: its number and target; for TCP sockets also
// the local and remote address (from /proc/net/tcp). For failure messages.
std::string DescribeFds();

// A BatchPredict table of `rows` copies of Boston row 1.
regserve::v1::BatchPredictRequest BigTable(int rows);

// Boston row 1 with CRIM = `crim`, as a Predict request, and the features in
// the default model's order (for computing the expected answer).
regserve::v1::PredictRequest RowRequest(double crim);
std::vector<double> RowValues(double crim);

// A plain TCP connection to 127.0.0.1:port, for bytes gRPC would never send.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Writes all of `bytes`; false if the peer has gone (EPIPE, ECONNRESET).
  bool Send(const std::string& bytes);
  // True if the server closes the connection (EOF or reset) within
  // `timeout`, discarding whatever it sends before.
  bool ClosedByPeerWithin(absl::Duration timeout);
  // Reads HTTP/2 frames for up to `timeout`; true once a DATA frame on
  // `stream` arrives (the server answered a call made by hand).
  bool ReceivesDataOnStream(uint32_t stream, absl::Duration timeout);
  // Closes the socket now; with `reset`, with an RST (SO_LINGER 0).
  void Close(bool reset = false);

 private:
  int fd_ = -1;
};

// HTTP/2 building blocks (RFC 9113), enough for a gRPC call by hand.
namespace h2 {
// The client connection preface.
std::string Preface();
// One frame: 24-bit length, type, flags, 31-bit stream id, payload.
std::string Frame(uint8_t type, uint8_t flags, uint32_t stream,
                  const std::string& payload);
inline constexpr uint8_t kData = 0, kHeaders = 1, kSettings = 4;
inline constexpr uint8_t kEndStream = 1, kEndHeaders = 4;
// An HPACK header block of literal fields (no indexing, no Huffman) for a
// gRPC call of `path` ("/pkg.Service/Method").
std::string GrpcRequestHeaders(const std::string& path);
// A gRPC length-prefixed message: flag 0, 32-bit big-endian length, bytes.
std::string GrpcMessage(const std::string& bytes);
// The same prefix announcing `announced` bytes, followed by only `bytes`.
std::string GrpcMessagePrefix(uint32_t announced, const std::string& bytes);
}  // namespace h2

// A regserve-server process from the build tree on a free port.
struct ServerProcess {
  pid_t pid = -1;
  int port = 0;
  std::string log_file;
};

// Starts bin/regserve-server with the shipped models, stderr to `log_file`,
// and waits for its port file; port 0 if it did not start.
ServerProcess SpawnServer(const std::string& dir, const std::string& name,
                          const std::vector<std::string>& extra_flags = {});

// Starts bin/regserve-bench with `flags`, output discarded.
pid_t SpawnBench(const std::vector<std::string>& flags);

// Exit code of `pid`, waiting up to `timeout`; -1 if killed by a signal,
// -2 (after SIGKILL) if it did not exit in time.
int WaitForExit(pid_t pid, absl::Duration timeout);

// The count in the server log's "shut down after answering N calls", or -1.
int64_t AnsweredCalls(const std::string& log_file);

}  // namespace regserve::testing

#endif  // REGSERVE_TESTS_RELIABILITY_RELIABILITY_UTIL_H_
