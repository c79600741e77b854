#include "client/channel_credentials.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace regserve::client {
namespace {

// The contents of the PEM file given by `flag`, which must hold a block
// whose header ends in `pem_label` ("CERTIFICATE", "PRIVATE KEY").
absl::StatusOr<std::string> ReadPem(absl::string_view flag,
                                    const std::string& path,
                                    absl::string_view pem_label) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " ", path, ": cannot open (missing or unreadable)"));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  std::string pem = contents.str();
  if (!absl::StrContains(pem, absl::StrCat(pem_label, "-----"))) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " ", path, ": no PEM ", pem_label, " block"));
  }
  return pem;
}

absl::Status CheckCombination(const ClientTlsOptions& options) {
  if (!options.enabled()) {
    if (!options.cert_file.empty() || !options.key_file.empty() ||
        !options.server_name_override.empty()) {
      return absl::InvalidArgumentError(
          "--tls_cert, --tls_key and --tls_server_name need --tls_ca");
    }
    return absl::OkStatus();
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert and --tls_key must be given together");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientTlsOptions& options) {
  if (absl::Status status = CheckCombination(options); !status.ok()) {
    return status;
  }
  if (!options.enabled()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> roots =
      ReadPem("tls_ca", options.ca_file, "CERTIFICATE");
  if (!roots.ok()) return roots.status();
  ssl.pem_root_certs = *std::move(roots);
  if (!options.cert_file.empty()) {
    absl::StatusOr<std::string> chain =
        ReadPem("tls_cert", options.cert_file, "CERTIFICATE");
    if (!chain.ok()) return chain.status();
    absl::StatusOr<std::string> key =
        ReadPem("tls_key", options.key_file, "PRIVATE KEY");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(chain);
    ssl.pem_private_key = *std::move(key);
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::SslCredentials(ssl);
  if (credentials == nullptr) {
    return absl::InternalError("gRPC could not create TLS credentials");
  }
  return credentials;
}

void AddTlsChannelArguments(const ClientTlsOptions& options,
                            grpc::ChannelArguments& args) {
  if (options.enabled() && !options.server_name_override.empty()) {
    // Sets GRPC_SSL_TARGET_NAME_OVERRIDE_ARG.
    args.SetSslTargetNameOverride(options.server_name_override);
  }
}

grpc::ChannelArguments TlsChannelArguments(const ClientTlsOptions& options) {
  grpc::ChannelArguments args;
  AddTlsChannelArguments(options, args);
  return args;
}

}  // namespace regserve::client
