#include "server/http/http_routes.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/echo.h"

namespace regserve::server::http {
namespace {

absl::Status WrongMethod(absl::string_view method, absl::string_view path,
                         absl::string_view allowed) {
  return absl::UnimplementedError(
      absl::StrCat(common::Echo(method), " is not allowed on ",
                   common::Echo(path), "; use ", allowed));
}

// Splits "{name}:verb" or "{name}" into name and verb.
std::pair<std::string, std::string> NameAndVerb(absl::string_view segment) {
  const size_t colon = segment.rfind(':');
  if (colon == absl::string_view::npos) return {std::string(segment), ""};
  return {std::string(segment.substr(0, colon)),
          std::string(segment.substr(colon + 1))};
}

absl::StatusOr<Route> ModelRoute(absl::string_view method,
                                 absl::string_view path,
                                 const std::vector<absl::string_view>& parts) {
  // parts: name[:verb] | name, "versions", version[:verb]
  if (parts.size() != 1 && !(parts.size() == 3 && parts[1] == "versions")) {
    return absl::NotFoundError(
        absl::StrCat("no route for ", common::Echo(path)));
  }
  Route route{RouteKind::kMetadata, "", 0};
  auto [last, verb] = NameAndVerb(parts.back());
  route.model = parts.size() == 1 ? last : std::string(parts[0]);
  if (parts.size() == 3 &&
      (!absl::SimpleAtoi(last, &route.version) || route.version < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "version in ", common::Echo(path), " must be a positive integer, is '",
        common::Echo(last), "'"));
  }
  if (route.model.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no route for ", common::Echo(path)));
  }
  if (verb.empty()) {
    if (method != "GET") return WrongMethod(method, path, "GET");
    return route;
  }
  if (verb != "predict" && verb != "batchPredict") {
    return absl::NotFoundError(
        absl::StrCat("unknown method :", common::Echo(verb), " in ",
                     common::Echo(path), " (predict, batchPredict)"));
  }
  if (method != "POST") return WrongMethod(method, path, "POST");
  route.kind =
      verb == "predict" ? RouteKind::kPredict : RouteKind::kBatchPredict;
  return route;
}

}  // namespace

const char* RouteName(RouteKind kind) {
  switch (kind) {
    case RouteKind::kPredict:
      return "predict";
    case RouteKind::kBatchPredict:
      return "batchPredict";
    case RouteKind::kMetadata:
      return "metadata";
    case RouteKind::kListModels:
      return "listModels";
    case RouteKind::kHealthz:
      return "healthz";
    case RouteKind::kReadyz:
      return "readyz";
  }
  return "unknown";
}

absl::StatusOr<Route> MatchRoute(absl::string_view method,
                                 absl::string_view path) {
  if (path == "/healthz" || path == "/readyz") {
    if (method != "GET") return WrongMethod(method, path, "GET");
    return Route{path == "/healthz" ? RouteKind::kHealthz : RouteKind::kReadyz,
                 "", 0};
  }
  absl::string_view rest = path;
  if (rest == "/v1/models") {
    if (method != "GET") return WrongMethod(method, path, "GET");
    return Route{RouteKind::kListModels, "", 0};
  }
  if (!absl::ConsumePrefix(&rest, "/v1/models/")) {
    return absl::NotFoundError(
        absl::StrCat("no route for ", common::Echo(path)));
  }
  return ModelRoute(method, path, absl::StrSplit(rest, '/'));
}

std::string AllowedMethods(absl::string_view path) {
  if (MatchRoute("GET", path).ok()) return "GET";
  if (MatchRoute("POST", path).ok()) return "POST";
  return "";
}

}  // namespace regserve::server::http
