#include "tests/server/http/raw_http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace regserve::testing {

absl::StatusOr<std::unique_ptr<RawHttpConnection>> RawHttpConnection::Open(
    int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to :", port));
  }
  return std::unique_ptr<RawHttpConnection>(new RawHttpConnection(fd));
}

RawHttpConnection::~RawHttpConnection() { close(fd_); }

bool RawHttpConnection::Send(absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void RawHttpConnection::CloseWrite() { shutdown(fd_, SHUT_WR); }

bool RawHttpConnection::Fill(absl::Time deadline) {
  pollfd poll_fd{fd_, POLLIN, 0};
  const int64_t wait_ms =
      std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now()));
  if (poll(&poll_fd, 1, static_cast<int>(wait_ms)) <= 0) return false;
  char chunk[16384];
  const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

absl::StatusOr<RawResponse> RawHttpConnection::ReadResponse(
    bool head_request, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) {
      return absl::DeadlineExceededError(
          absl::StrCat("no complete response head; have: '", buffer_, "'"));
    }
  }
  RawResponse response;
  std::vector<std::string> lines =
      absl::StrSplit(buffer_.substr(0, end), "\r\n");
  std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
  if (status_line.size() < 2 ||
      !absl::SimpleAtoi(status_line[1], &response.status)) {
    return absl::DataLossError(absl::StrCat("bad status line: ", lines[0]));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    response.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  buffer_.erase(0, end + 4);
  size_t length = 0;
  const bool no_body = head_request || response.status < 200 ||
                       response.status == 204 || response.status == 304;
  if (!no_body && response.headers.count("content-length") &&
      !absl::SimpleAtoi(response.headers["content-length"], &length)) {
    return absl::DataLossError("bad Content-Length");
  }
  while (!no_body && buffer_.size() < length) {
    if (!Fill(deadline)) return absl::DeadlineExceededError("short body");
  }
  if (!no_body) {
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
  }
  return response;
}

bool RawHttpConnection::AwaitClosed(absl::Duration timeout,
                                    std::string* received) {
  if (received != nullptr) {
    received->append(buffer_);
    buffer_.clear();
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    pollfd poll_fd{fd_, POLLIN, 0};
    const int64_t wait_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (poll(&poll_fd, 1, static_cast<int>(std::max<int64_t>(wait_ms, 0))) <=
        0) {
      continue;
    }
    char chunk[16384];
    const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return true;
    if (received != nullptr) received->append(chunk, static_cast<size_t>(n));
  }
  return false;
}

std::string RawRequest(absl::string_view method, absl::string_view path,
                       absl::string_view body, absl::string_view extra) {
  return absl::StrCat(method, " ", path,
                      " HTTP/1.1\r\nHost: localhost\r\n"
                      "Content-Type: application/json\r\nContent-Length: ",
                      body.size(), "\r\n", extra, "\r\n", body);
}

}  // namespace regserve::testing
