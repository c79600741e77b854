// Transport security settings of the gRPC port. main.cc is expected to copy
// the --tls_* flags into a TlsOptions; MakeServerCredentials
// (server/security/server_credentials.h) turns them into credentials.
//
// Plain value type, no shared state.
#ifndef REGSERVE_SERVER_SECURITY_TLS_OPTIONS_H_
#define REGSERVE_SERVER_SECURITY_TLS_OPTIONS_H_

#include <string>

#include "absl/time/time.h"

namespace regserve::server::security {

struct TlsOptions {
  // PEM certificate chain of the server (leaf first). Empty = plaintext; the
  // other fields are then ignored.
  std::string cert_file;
  // PEM private key matching cert_file (unencrypted).
  std::string key_file;
  // PEM bundle of the CAs that sign client certificates. When set, clients
  // that present a certificate must present one signed by these CAs; empty =
  // client certificates are not requested.
  std::string client_ca_file;
  // Mutual TLS: refuse clients without a certificate signed by
  // client_ca_file (which is then required).
  bool require_client_cert = false;
  // How often cert_file, key_file and client_ca_file are re-read, so that
  // rotated files are used for new connections without a restart. Rounded
  // up to whole seconds, at least 1 s.
  absl::Duration reload_interval = absl::Seconds(60);

  // True when the gRPC port serves TLS.
  bool enabled() const { return !cert_file.empty(); }
};

}  // namespace regserve::server::security

#endif  // REGSERVE_SERVER_SECURITY_TLS_OPTIONS_H_
