// The model repository on disk, laid out as TensorFlow Serving's:
//   <repository>/<model name>/<version>/model.json, version a positive integer.
#ifndef REGSERVE_MODEL_ARTIFACT_STORE_H_
#define REGSERVE_MODEL_ARTIFACT_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "regserve/model/v1/linear_model.pb.h"

namespace regserve::model {

inline constexpr char kArtifactFileName[] = "model.json";

// <repository>/<name>/<version>/model.json
std::string ArtifactPath(const std::string& repository, const std::string& name,
                         int64_t version);

// Model names: the directories directly under `repository`, sorted.
absl::StatusOr<std::vector<std::string>> ListModelNames(
    const std::string& repository);

// Published versions of `name`: directories named by a positive integer in
// canonical form ("2", not "0002" or "+2": the name a version's path is
// built from), ascending. Other entries (temporary publish directories) are
// ignored; directories named by a non-canonical number are ignored too and,
// when `non_canonical` is given, their names are added to it so the caller
// can say so. Never throws: a symlink loop or an unreadable entry is
// skipped, an unreadable directory is an error.
absl::StatusOr<std::vector<int64_t>> ListVersions(
    const std::string& repository, const std::string& name,
    std::vector<std::string>* non_canonical = nullptr);

// One more than the highest published version, or 1.
absl::StatusOr<int64_t> NextFreeVersion(const std::string& repository,
                                        const std::string& name);

// Writes `artifact` as <repository>/<name>/<version>/model.json atomically:
// the file is written and fsynced in a temporary sibling directory that is
// then renamed into place, so a reader never sees a partial version.
// Publishing over an existing version is ALREADY_EXISTS: versions are
// immutable. Returns the artifact's path.
absl::StatusOr<std::string> PublishArtifact(
    const std::string& repository,
    const regserve::model::v1::LinearModel& artifact);

// Reads and parses an artifact file; errors name the path.
absl::StatusOr<regserve::model::v1::LinearModel> ReadArtifactFile(
    const std::string& path);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_ARTIFACT_STORE_H_
