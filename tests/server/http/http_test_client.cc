#include "tests/server/http/http_test_client.h"

#include <curl/curl.h>

#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace regserve::testing {
namespace {

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

absl::StatusOr<HttpResult> HttpCall(int port, const std::string& method,
                                    const std::string& path,
                                    const std::string& body,
                                    const std::string& authorization) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
  HttpResult result;
  const std::string url = absl::StrCat("http://127.0.0.1:", port, path);
  curl_slist* headers =
      curl_slist_append(nullptr, "Content-Type: application/json");
  if (!authorization.empty()) {
    headers =
        curl_slist_append(headers, ("Authorization: " + authorization).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return absl::UnavailableError(curl_easy_strerror(rc));
  return result;
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  auto result = HttpCall(port, "GET", path);
  if (!result.ok()) return result.status();
  if (result->status != 200) {
    return absl::InternalError(absl::StrCat("HTTP ", result->status, " for ",
                                            path, ": ", result->body));
  }
  return result->body;
}

std::map<std::string, double> ParseExposition(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    if (space == std::string::npos ||
        !absl::SimpleAtod(line.substr(space + 1), &value)) {
      continue;
    }
    samples[line.substr(0, space)] = value;
  }
  return samples;
}

}  // namespace regserve::testing
