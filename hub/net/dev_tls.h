#pragma once
// Development/test TLS material: an ephemeral CA and a server certificate
// for 127.0.0.1 / localhost signed by it, made with the OpenSSL C API (Poco
// cannot create X509 certificates). For loopback sandboxes and tests only —
// never for production endpoints.
#include <string>

namespace reghub::net {

struct DevTlsFiles {
  std::string caCertFile;      // PEM: the CA certificate clients should trust
  std::string serverCertFile;  // PEM: server certificate (CN/SAN 127.0.0.1, localhost)
  std::string serverKeyFile;   // PEM: server private key (unencrypted, mode 0600)
};

// Generates a fresh CA (EC P-256) and a server certificate valid from one
// hour ago for `validDays`, and writes ca.pem, server.pem, server-key.pem
// into `dir` (created if missing). Overwrites existing files.
// Throws std::runtime_error on OpenSSL or I/O failure. Thread-safe.
DevTlsFiles writeDevTls(const std::string& dir, int validDays = 30);

}  // namespace reghub::net
