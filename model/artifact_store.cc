#include "model/artifact_store.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "model/artifact.h"

namespace regserve::model {
namespace {

namespace fs = std::filesystem;

absl::Status ErrnoError(const std::string& what, int err) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(err)));
}

absl::Status WriteFileSynced(const std::string& path, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create " + path, errno);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return ErrnoError("cannot write " + path, err);
    }
    done += static_cast<size_t>(n);
  }
  // fsync before the rename: otherwise a crash could publish an empty file.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return ErrnoError("cannot sync " + path, errno);
  }
  return absl::OkStatus();
}

}  // namespace

std::string ArtifactPath(const std::string& repository, const std::string& name,
                         int64_t version) {
  return (fs::path(repository) / name / std::to_string(version) /
          kArtifactFileName)
      .string();
}

namespace {

// Calls `visit` with the file name of every directory (or symlink to one)
// directly in `dir`, without ever throwing: std::filesystem's throwing
// overloads (range-for increments, is_directory() without an error code)
// would turn a symlink loop or a vanishing entry into an exception on a
// server thread.
std::error_code ForEachSubdirectory(
    const fs::path& dir, const std::function<void(const std::string&)>& visit) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code entry_ec;
    if (it->is_directory(entry_ec) && !entry_ec) {
      visit(it->path().filename().string());
    }
  }
  return ec;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListModelNames(
    const std::string& repository) {
  std::vector<std::string> names;
  const std::error_code ec =
      ForEachSubdirectory(repository, [&](const std::string& name) {
        if (!name.empty() && name[0] != '.') names.push_back(name);
      });
  if (ec) {
    return absl::NotFoundError(absl::StrCat("cannot read model repository ",
                                            repository, ": ", ec.message()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::vector<int64_t>> ListVersions(
    const std::string& repository, const std::string& name,
    std::vector<std::string>* non_canonical) {
  std::vector<int64_t> versions;
  const fs::path dir = fs::path(repository) / name;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return versions;
  ec = ForEachSubdirectory(dir, [&](const std::string& entry) {
    int64_t v;
    if (!absl::SimpleAtoi(entry, &v) || v <= 0) return;
    if (entry == std::to_string(v)) {
      versions.push_back(v);
    } else if (non_canonical != nullptr) {
      non_canonical->push_back(entry);
    }
  });
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot list ", dir.string(), ": ", ec.message()));
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

absl::StatusOr<int64_t> NextFreeVersion(const std::string& repository,
                                        const std::string& name) {
  ASSIGN_OR_RETURN(std::vector<int64_t> versions,
                   ListVersions(repository, name));
  return versions.empty() ? 1 : versions.back() + 1;
}

absl::StatusOr<std::string> PublishArtifact(
    const std::string& repository,
    const regserve::model::v1::LinearModel& artifact) {
  if (artifact.name().empty() || artifact.name()[0] == '.' ||
      artifact.name().find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid model name '", artifact.name(), "'"));
  }
  if (artifact.version() <= 0) {
    return absl::InvalidArgumentError("version must be a positive integer");
  }
  const fs::path model_dir = fs::path(repository) / artifact.name();
  const fs::path final_dir = model_dir / std::to_string(artifact.version());
  const fs::path temp_dir =
      model_dir / absl::StrCat(".tmp-", artifact.version(), "-", ::getpid());
  std::error_code ec;
  fs::create_directories(temp_dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", temp_dir.string(), ": ", ec.message()));
  }
  absl::Status written = WriteFileSynced(
      (temp_dir / kArtifactFileName).string(), ArtifactToJson(artifact));
  // RENAME_NOREPLACE: never replace a published version, even racing another
  // publisher.
  if (written.ok() && ::renameat2(AT_FDCWD, temp_dir.c_str(), AT_FDCWD,
                                  final_dir.c_str(), RENAME_NOREPLACE) != 0) {
    written = errno == EEXIST
                  ? absl::AlreadyExistsError(
                        absl::StrCat(final_dir.string(),
                                     " already exists: versions are "
                                     "immutable, publish a new one"))
                  : ErrnoError("cannot publish " + final_dir.string(), errno);
  }
  if (!written.ok()) {
    fs::remove_all(temp_dir, ec);
    return written;
  }
  return (final_dir / kArtifactFileName).string();
}

absl::StatusOr<regserve::model::v1::LinearModel> ReadArtifactFile(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParseArtifactJson(buffer.str(), path);
}

}  // namespace regserve::model
