// Keeps protobuf's own log lines from growing with bad requests. Protobuf
// 3.21 logs one ERROR line ("String field ... contains invalid UTF-8 data")
// for every message it parses with a string field that is not UTF-8: a
// caller could fill the log, at ERROR, one line per bad request (issue 16,
// item 12). Those lines are counted instead, and logged at WARNING at most
// once per `interval` with the count since; every other protobuf message
// goes to regserve's log with its severity.
#ifndef REGSERVE_SERVER_SERVING_PROTOBUF_LOG_FILTER_H_
#define REGSERVE_SERVER_SERVING_PROTOBUF_LOG_FILTER_H_

#include <cstdint>

#include "absl/time/time.h"

namespace regserve::server {

// Installs the filter as protobuf's log handler, for the whole process.
// Call once at start, before serving. Thread-safe afterwards.
void FilterProtobufLogs(absl::Duration interval = absl::Minutes(1));

// Invalid UTF-8 lines protobuf wanted to log since the filter was
// installed (for tests and metrics).
int64_t InvalidUtf8LinesSuppressed();

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVING_PROTOBUF_LOG_FILTER_H_
