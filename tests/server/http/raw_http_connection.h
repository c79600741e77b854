// A plain TCP connection that speaks HTTP/1.1 by hand, for tests of what a
// library client would hide: keep-alive, 100 Continue, half-sent requests,
// slow or idle clients, pipelining. Blocking, with a receive timeout.
#ifndef REGSERVE_TESTS_SERVER_HTTP_RAW_HTTP_CONNECTION_H_
#define REGSERVE_TESTS_SERVER_HTTP_RAW_HTTP_CONNECTION_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/test_util.h"

namespace regserve::testing {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

class RawHttpConnection {
 public:
  // Connects to 127.0.0.1:port.
  static absl::StatusOr<std::unique_ptr<RawHttpConnection>> Open(int port);
  ~RawHttpConnection();
  RawHttpConnection(const RawHttpConnection&) = delete;
  RawHttpConnection& operator=(const RawHttpConnection&) = delete;

  // Writes all of `bytes`; false if the connection failed.
  bool Send(absl::string_view bytes);
  // Ends our side (shutdown SHUT_WR); the server can still answer.
  void CloseWrite();
  // Reads one response: status line, headers, and Content-Length bytes of
  // body (none for `head_request`, or a 1xx/204). An error if the server
  // closed first or nothing complete came within `timeout`.
  absl::StatusOr<RawResponse> ReadResponse(
      bool head_request = false, absl::Duration timeout = kEventTimeout);
  // Whether the server closed the connection within `timeout`; what it
  // sent before is appended to `received` if given.
  bool AwaitClosed(absl::Duration timeout = kEventTimeout,
                   std::string* received = nullptr);

 private:
  explicit RawHttpConnection(int fd) : fd_(fd) {}
  // Appends what arrives within `deadline` to buffer_; false on close,
  // error or timeout.
  bool Fill(absl::Time deadline);
  int fd_;
  std::string buffer_;  // received, not yet consumed
};

// A request with a JSON body: method, path, Content-Length, and `extra`
// header lines (each ending in \r\n).
std::string RawRequest(absl::string_view method, absl::string_view path,
                       absl::string_view body = "",
                       absl::string_view extra = "");

}  // namespace regserve::testing

#endif  // REGSERVE_TESTS_SERVER_HTTP_RAW_HTTP_CONNECTION_H_
