// gRPC channel credentials of regserve-cli and regserve-bench: plaintext, or
// TLS with an optional client certificate (mutual TLS). The tools' flags
// --tls_ca, --tls_cert, --tls_key and --tls_server_name fill a
// ClientTlsOptions.
//
//   ASSIGN_OR_RETURN(auto credentials, MakeChannelCredentials(tls));
//   auto channel = grpc::CreateCustomChannel(
//       target, credentials, TlsChannelArguments(tls));
#ifndef REGSERVE_CLIENT_CHANNEL_CREDENTIALS_H_
#define REGSERVE_CLIENT_CHANNEL_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace regserve::client {

// Plain value type; every field mirrors the --tls_* flag named beside it.
struct ClientTlsOptions {
  // --tls_ca: PEM bundle of the CAs trusted to sign the server's
  // certificate. Empty = plaintext (and the other fields must be empty).
  std::string ca_file;
  // --tls_cert: PEM client certificate chain, for servers that require
  // client certificates (mutual TLS). Needs key_file.
  std::string cert_file;
  // --tls_key: PEM private key of cert_file (unencrypted).
  std::string key_file;
  // --tls_server_name: name checked against the server's certificate
  // instead of the target's host, e.g. when connecting by IP address or
  // through a tunnel.
  std::string server_name_override;

  // True when the channel uses TLS.
  bool enabled() const { return !ca_file.empty(); }
};

// InsecureChannelCredentials when !options.enabled(); otherwise
// grpc::SslCredentials trusting ca_file, presenting cert_file/key_file if
// given. INVALID_ARGUMENT naming the flag and file if a file is missing,
// unreadable or not PEM, if only one of cert_file/key_file is set, or if a
// TLS field is set without ca_file.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientTlsOptions& options);

// Adds the TLS channel arguments of `options` to `args`: the target name
// override (GRPC_SSL_TARGET_NAME_OVERRIDE_ARG) when server_name_override
// is set and TLS is on. Nothing otherwise.
void AddTlsChannelArguments(const ClientTlsOptions& options,
                            grpc::ChannelArguments& args);

// Fresh ChannelArguments with only AddTlsChannelArguments applied.
grpc::ChannelArguments TlsChannelArguments(const ClientTlsOptions& options);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_CHANNEL_CREDENTIALS_H_
