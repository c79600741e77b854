// Process-wide set-up shared by the server binaries (regserve-server and the
// benchmarks' baseline-server), so that both run under the same conditions
// and a comparison between them measures only what differs.
#ifndef REGSERVE_COMMON_SERVER_PROCESS_H_
#define REGSERVE_COMMON_SERVER_PROCESS_H_

#include <signal.h>

#include <initializer_list>
#include <string>

namespace regserve::common {

// Turns off absl::Mutex deadlock detection. Debian builds Abseil without
// NDEBUG, which leaves it on; gRPC locks an absl::Mutex on every call, so
// the check (meant for debug builds) costs a few percent of throughput.
// Call at the start of main.
void DisableMutexDeadlockDetection();

// Blocks `signals` in the calling thread and returns them as a set for
// sigwait(). Threads started afterwards inherit the mask, so only the
// sigwait sees these signals: call before any thread starts.
sigset_t BlockSignals(std::initializer_list<int> signals);

// Writes `text` to `path` under a temporary name and renames it into place,
// so a script waiting for the file never reads it half-written (the
// --port_file of the servers). Returns false if it could not be written.
bool WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace regserve::common

#endif  // REGSERVE_COMMON_SERVER_PROCESS_H_
