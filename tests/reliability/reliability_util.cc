#include "tests/reliability/reliability_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

extern char** environ;

namespace regserve::testing {

int OpenFds() {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n - 1;  // the iterator's own descriptor
}

namespace {

struct TcpSocket {
  int local_port = 0;
  int remote_port = 0;
  std::string state;  // hex, as the kernel prints it: 0A = LISTEN
};

int PortOf(const std::string& address) {
  const auto colon = address.rfind(':');
  return colon == std::string::npos
             ? 0
             : std::stoi(address.substr(colon + 1), nullptr, 16);
}

// Socket inode -> its TCP socket, from /proc/net/tcp{,6}.
std::map<std::string, TcpSocket> TcpSockets() {
  std::map<std::string, TcpSocket> sockets;
  for (const char* table : {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retr, uid, timeout,
          inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retr >>
          uid >> timeout >> inode;
      sockets[inode] = {PortOf(local), PortOf(remote), state};
    }
  }
  return sockets;
}

// This process's descriptors: number -> target ("socket:[inode]", a path).
std::map<std::string, std::string> OwnDescriptors() {
  std::map<std::string, std::string> fds;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::error_code link_ec;
    fds[it->path().filename().string()] =
        std::filesystem::read_symlink(it->path(), link_ec).string();
  }
  return fds;
}

// The inode of a "socket:[inode]" target, or "".
std::string SocketInode(const std::string& target) {
  if (target.rfind("socket:[", 0) != 0) return "";
  return target.substr(8, target.size() - 9);
}

}  // namespace

int ServerConnections(int port) {
  const std::map<std::string, TcpSocket> sockets = TcpSockets();
  std::set<int> live_client_ports;  // local ports of this process's clients
  std::vector<int> server_peers;    // client ports the server is joined to
  for (const auto& [fd, target] : OwnDescriptors()) {
    auto s = sockets.find(SocketInode(target));
    if (s == sockets.end() || s->second.state == "0A") continue;
    if (s->second.local_port == port) {
      server_peers.push_back(s->second.remote_port);
    } else if (s->second.remote_port == port) {
      live_client_ports.insert(s->second.local_port);
    }
  }
  int n = 0;
  for (int peer : server_peers) n += live_client_ports.count(peer) == 0;
  return n;
}

std::string DescribeFds() {
  const std::map<std::string, TcpSocket> sockets = TcpSockets();
  std::string out;
  for (const auto& [fd, target] : OwnDescriptors()) {
    out += fd + " -> " + target;
    if (auto s = sockets.find(SocketInode(target)); s != sockets.end()) {
      out += " port " + std::to_string(s->second.local_port) + " -> port " +
             std::to_string(s->second.remote_port) + " (state " +
             s->second.state + ")";
    }
    out += "\n";
  }
  return out;
}

regserve::v1::BatchPredictRequest BigTable(int rows) {
  regserve::v1::BatchPredictRequest request;
  for (const auto& name : BostonFeatureNames()) {
    request.mutable_table()->add_columns(name);
  }
  const std::vector<double> row = BostonRow1();
  request.mutable_table()->mutable_values()->Reserve(rows * row.size());
  for (int r = 0; r < rows; ++r) {
    for (double v : row) request.mutable_table()->add_values(v);
  }
  return request;
}

std::vector<double> RowValues(double crim) {
  std::vector<double> row = BostonRow1();
  row[0] = crim;
  return row;
}

regserve::v1::PredictRequest RowRequest(double crim) {
  regserve::v1::PredictRequest request;
  const auto names = BostonFeatureNames();
  const auto row = RowValues(crim);
  for (size_t j = 0; j < names.size(); ++j) {
    (*request.mutable_features())[names[j]] = row[j];
  }
  return request;
}

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() { Close(); }

bool RawConnection::Send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n =
        ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool RawConnection::ClosedByPeerWithin(absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  char buf[4096];
  while (absl::Now() < end) {
    pollfd p{fd_, POLLIN, 0};
    const int ms = static_cast<int>(
        std::max<int64_t>(1, absl::ToInt64Milliseconds(end - absl::Now())));
    if (::poll(&p, 1, ms) <= 0) continue;
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n == 0) return true;
    if (n < 0 && errno != EINTR && errno != EAGAIN) return true;  // reset
  }
  return false;
}

bool RawConnection::ReceivesDataOnStream(uint32_t stream,
                                         absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  std::string in;
  char buf[4096];
  while (absl::Now() < end) {
    // Parse whole frames received so far.
    while (in.size() >= 9) {
      const auto* b = reinterpret_cast<const unsigned char*>(in.data());
      const uint32_t length = (b[0] << 16) | (b[1] << 8) | b[2];
      const uint8_t type = b[3];
      const uint32_t id =
          ((b[5] & 0x7f) << 24) | (b[6] << 16) | (b[7] << 8) | b[8];
      if (in.size() < 9 + length) break;
      if (type == h2::kData && id == stream) return true;
      in.erase(0, 9 + length);
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    in.append(buf, static_cast<size_t>(n));
  }
  return false;
}

void RawConnection::Close(bool reset) {
  if (fd_ < 0) return;
  if (reset) {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }
  ::close(fd_);
  fd_ = -1;
}

namespace h2 {

std::string Preface() { return "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"; }

std::string Frame(uint8_t type, uint8_t flags, uint32_t stream,
                  const std::string& payload) {
  const uint32_t n = static_cast<uint32_t>(payload.size());
  std::string f;
  f.push_back(static_cast<char>((n >> 16) & 0xff));
  f.push_back(static_cast<char>((n >> 8) & 0xff));
  f.push_back(static_cast<char>(n & 0xff));
  f.push_back(static_cast<char>(type));
  f.push_back(static_cast<char>(flags));
  f.push_back(static_cast<char>((stream >> 24) & 0x7f));
  f.push_back(static_cast<char>((stream >> 16) & 0xff));
  f.push_back(static_cast<char>((stream >> 8) & 0xff));
  f.push_back(static_cast<char>(stream & 0xff));
  return f + payload;
}

namespace {
// Appends an HPACK string literal (no Huffman) of under 127 bytes.
void AppendHpackString(const std::string& s, std::string& out) {
  out.push_back(static_cast<char>(s.size()));
  out.append(s);
}
// "Literal Header Field without Indexing -- New Name".
std::string Literal(const std::string& name, const std::string& value) {
  std::string out(1, '\0');
  AppendHpackString(name, out);
  AppendHpackString(value, out);
  return out;
}
}  // namespace

std::string GrpcRequestHeaders(const std::string& path) {
  return Literal(":method", "POST") + Literal(":scheme", "http") +
         Literal(":path", path) + Literal(":authority", "127.0.0.1") +
         Literal("content-type", "application/grpc") +
         Literal("te", "trailers");
}

std::string GrpcMessagePrefix(uint32_t announced, const std::string& bytes) {
  std::string m(1, '\0');
  m.push_back(static_cast<char>((announced >> 24) & 0xff));
  m.push_back(static_cast<char>((announced >> 16) & 0xff));
  m.push_back(static_cast<char>((announced >> 8) & 0xff));
  m.push_back(static_cast<char>(announced & 0xff));
  return m + bytes;
}

std::string GrpcMessage(const std::string& bytes) {
  return GrpcMessagePrefix(static_cast<uint32_t>(bytes.size()), bytes);
}

}  // namespace h2

namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::string& stderr_to,
            const std::string& stdout_to) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_to.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_to.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "cannot start " << args[0];
  return rc == 0 ? pid : -1;
}

}  // namespace

ServerProcess SpawnServer(const std::string& dir, const std::string& name,
                          const std::vector<std::string>& extra_flags) {
  ServerProcess server;
  server.log_file = dir + "/" + name + ".log";
  const std::string port_file = dir + "/" + name + ".port";
  std::vector<std::string> args = {
      std::string(REGSERVE_BINARY_DIR) + "/bin/regserve-server", "--port=0",
      "--metrics_port=0", "--http_port=0", "--threads=2",
      // Shedding depends on scheduling (tests/server/test_server.h).
      "--max_queue_delay_ms=0", "--port_file=" + port_file,
      "--model_repository=" + SourcePath("models")};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  server.pid = Spawn(args, server.log_file, "/dev/null");
  if (server.pid < 0) return server;
  // The port file is written atomically once the server listens; stop
  // waiting early if the process exits instead.
  WaitUntil([&] {
    std::ifstream(port_file) >> server.port;
    // WNOWAIT: notice the exit without reaping, so that WaitForExit can
    // still read the exit code.
    siginfo_t info{};
    return server.port != 0 ||
           (waitid(P_PID, static_cast<id_t>(server.pid), &info,
                   WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid == server.pid);
  });
  return server;
}

pid_t SpawnBench(const std::vector<std::string>& flags) {
  std::vector<std::string> args = {std::string(REGSERVE_BINARY_DIR) +
                                   "/bin/regserve-bench"};
  args.insert(args.end(), flags.begin(), flags.end());
  return Spawn(args, "/dev/null", "/dev/null");
}

int WaitForExit(pid_t pid, absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -2;
}

int64_t AnsweredCalls(const std::string& log_file) {
  std::ifstream in(log_file);
  std::string line;
  int64_t answered = -1;
  const std::string marker = "shut down after answering ";
  while (std::getline(in, line)) {
    auto at = line.find(marker);
    if (at != std::string::npos) {
      answered = std::stoll(line.substr(at + marker.size()));
    }
  }
  return answered;
}

}  // namespace regserve::testing
