// gRPC server credentials from TlsOptions: plaintext, TLS, or mutual TLS,
// with certificate files re-read every TlsOptions::reload_interval.
//
//   ASSIGN_OR_RETURN(auto credentials, MakeServerCredentials(options.tls));
//   builder.AddListeningPort(address, credentials, &port);
//   LOG(INFO) << "transport: " << DescribeTransport(options.tls);
#ifndef REGSERVE_SERVER_SECURITY_SERVER_CREDENTIALS_H_
#define REGSERVE_SERVER_SECURITY_SERVER_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "server/security/tls_options.h"

namespace regserve::server::security {

// InsecureServerCredentials when !options.enabled(). Otherwise TLS
// credentials backed by a grpc::experimental::FileWatcherCertificateProvider
// that re-reads the files every reload_interval; client certificates are
// required and verified (require_client_cert), verified if presented
// (client_ca_file set), or not requested.
//
// Checks the files up front: INVALID_ARGUMENT naming the file if one is
// missing, unreadable or not PEM, if the key does not match the
// certificate, if key_file is missing, or if require_client_cert has no
// client_ca_file. An expired or not yet valid certificate is only logged
// as a warning (a rotation may be on its way).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsOptions& options);

// One phrase for the start-up log: "plaintext (no --tls_cert)", "TLS", or
// "mutual TLS (client certificates required)"; "TLS (client certificates
// verified if presented)" when a client CA is set but not required.
std::string DescribeTransport(const TlsOptions& options);

}  // namespace regserve::server::security

#endif  // REGSERVE_SERVER_SECURITY_SERVER_CREDENTIALS_H_
