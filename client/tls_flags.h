// The four TLS flags regserve-cli and regserve-bench share: one help text
// for each and one copy into ClientTlsOptions. The flags themselves are
// defined in each binary's main.cc, with these texts:
//   ABSL_FLAG(std::string, tls_ca, "", regserve::client::kTlsCaHelp);
#ifndef REGSERVE_CLIENT_TLS_FLAGS_H_
#define REGSERVE_CLIENT_TLS_FLAGS_H_

#include <string>

#include "absl/flags/flag.h"
#include "client/channel_credentials.h"

namespace regserve::client {

inline constexpr char kTlsCaHelp[] =
    "PEM CA bundle that signs the server's certificate; set = connect with "
    "TLS, empty = plaintext.";
inline constexpr char kTlsCertHelp[] =
    "PEM client certificate for servers that require one (mutual TLS); "
    "needs --tls_key and --tls_ca.";
inline constexpr char kTlsKeyHelp[] = "PEM private key of --tls_cert.";
inline constexpr char kTlsServerNameHelp[] =
    "Name to verify the server's certificate against instead of the "
    "--target host (e.g. when connecting by IP address).";

// The values of --tls_ca, --tls_cert, --tls_key and --tls_server_name.
inline ClientTlsOptions TlsOptionsFromFlags(
    const absl::Flag<std::string>& ca, const absl::Flag<std::string>& cert,
    const absl::Flag<std::string>& key,
    const absl::Flag<std::string>& server_name) {
  ClientTlsOptions tls;
  tls.ca_file = absl::GetFlag(ca);
  tls.cert_file = absl::GetFlag(cert);
  tls.key_file = absl::GetFlag(key);
  tls.server_name_override = absl::GetFlag(server_name);
  return tls;
}

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_TLS_FLAGS_H_
