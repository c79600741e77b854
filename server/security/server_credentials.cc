#include "server/security/server_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace regserve::server::security {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// INVALID_ARGUMENT "<what> <path>: <problem>".
absl::Status BadFile(absl::string_view what, const std::string& path,
                     absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, " ", path, ": ", problem));
}

// The newest OpenSSL error as text (and clears the queue), or `fallback`.
std::string OpenSslError(absl::string_view fallback) {
  const unsigned long code = ERR_get_error();  // NOLINT(runtime/int)
  ERR_clear_error();
  if (code == 0) return std::string(fallback);
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

absl::StatusOr<BioPtr> OpenFile(absl::string_view what,
                                const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (bio == nullptr) {
    ERR_clear_error();
    return BadFile(what, path, "cannot open (missing or unreadable)");
  }
  return bio;
}

// Refuses to prompt for a passphrase: encrypted keys are not supported.
int NoPassphrase(char*, int, int, void*) { return -1; }

// The first certificate of a PEM file (the leaf of a chain).
absl::StatusOr<X509Ptr> ReadCertificate(absl::string_view what,
                                        const std::string& path) {
  ASSIGN_OR_RETURN(BioPtr bio, OpenFile(what, path));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return BadFile(what, path,
                   absl::StrCat("no PEM certificate (",
                                OpenSslError("unknown error"), ")"));
  }
  ERR_clear_error();
  return cert;
}

absl::StatusOr<PkeyPtr> ReadPrivateKey(const std::string& path) {
  ASSIGN_OR_RETURN(BioPtr bio, OpenFile("--tls_key", path));
  PkeyPtr key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return BadFile("--tls_key", path,
                   absl::StrCat("no unencrypted PEM private key (",
                                OpenSslError("unknown error"), ")"));
  }
  return key;
}

// Logs a warning if `cert` is outside its validity period now.
void WarnIfNotCurrentlyValid(const X509* cert, const std::string& path) {
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
    LOG(WARNING) << "TLS certificate " << path
                 << " has expired; clients will refuse it until it is "
                    "replaced";
  } else if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
    LOG(WARNING) << "TLS certificate " << path << " is not valid yet";
  }
}

// Checks every file named by enabled `options`.
absl::Status ValidateFiles(const TlsOptions& options) {
  if (options.key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls_cert ", options.cert_file, " needs --tls_key"));
  }
  if (options.require_client_cert && options.client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_require_client_cert needs --tls_client_ca");
  }
  ASSIGN_OR_RETURN(X509Ptr cert,
                   ReadCertificate("--tls_cert", options.cert_file));
  ASSIGN_OR_RETURN(PkeyPtr key, ReadPrivateKey(options.key_file));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return BadFile(
        "--tls_key", options.key_file,
        absl::StrCat("does not match the certificate in ", options.cert_file));
  }
  WarnIfNotCurrentlyValid(cert.get(), options.cert_file);
  if (!options.client_ca_file.empty()) {
    RETURN_IF_ERROR(
        ReadCertificate("--tls_client_ca", options.client_ca_file).status());
  }
  return absl::OkStatus();
}

unsigned int RefreshSeconds(absl::Duration interval) {
  const int64_t seconds =
      absl::ToInt64Seconds(absl::Ceil(interval, absl::Seconds(1)));
  return static_cast<unsigned int>(
      std::clamp<int64_t>(seconds, 1, 365 * 24 * 3600));
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsOptions& options) {
  if (!options.enabled()) return grpc::InsecureServerCredentials();
  RETURN_IF_ERROR(ValidateFiles(options));

  namespace gx = ::grpc::experimental;
  // Files are re-read every refresh interval; gRPC keeps the last good
  // credentials if a read fails (e.g. mid-rotation).
  auto provider = std::make_shared<gx::FileWatcherCertificateProvider>(
      options.key_file, options.cert_file, options.client_ca_file,
      RefreshSeconds(options.reload_interval));
  gx::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (options.client_ca_file.empty()) {
    tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    tls.watch_root_certs();
    tls.set_cert_request_type(
        options.require_client_cert
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::experimental::TlsServerCredentials(tls);
  if (credentials == nullptr) {
    return absl::InternalError("gRPC could not create TLS server credentials");
  }
  return credentials;
}

std::string DescribeTransport(const TlsOptions& options) {
  if (!options.enabled()) return "plaintext (no --tls_cert)";
  if (options.require_client_cert) {
    return "mutual TLS (client certificates required)";
  }
  if (!options.client_ca_file.empty()) {
    return "TLS (client certificates verified if presented)";
  }
  return "TLS";
}

}  // namespace regserve::server::security
