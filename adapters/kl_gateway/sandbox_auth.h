#pragma once
// The access side of a KL Gateway sandbox (`reghub sandbox ltt`, later the
// other KL adapters): on the sandbox's own HTTPS server it runs
// - a KOMBIT STS stand-in (StsStandIn: hub/security's generic STS stand-in,
//   SOAP 1.2, with the CVR claim), which issues signed SAML holder-of-key
//   assertions to clients whose certificate the dev CA signed;
// - the token endpoint (token_endpoint.h) at <realmPath>/protocol/openid-connect/token,
//   checking client assertions against the registered dev client key and
//   subject tokens against the STS stand-in;
// and says whether a request carries a valid, unexpired bearer token.
// It makes a dev PKI (hub/security/dev_pki.h) with a function certificate
// for the dev client and writes it into the sandbox's directory, so
// clientConfig() can hand a hub everything it needs. Thread-safe once started.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/kl_gateway/token_endpoint.h"
#include "hub/net/http_types.h"

namespace reghub::kl_gateway {

// A SAML-issuing STS stand-in served at path(); verify() checks what it issued.
class StsStandIn {
 public:
  virtual ~StsStandIn() = default;
  virtual std::string path() const = 0;
  virtual net::HttpResponse handle(const net::HttpRequest& request) = 0;
  // Signature by the stand-in's key, issuer, audience, validity at `now`.
  virtual SubjectCheck verify(const std::string& assertionXml, Clock::time_point now) const = 0;
  // PEM file of the certificate its assertions are signed with (for the client's check); empty: none.
  virtual std::string signingCertFile() const { return {}; }
};

struct SandboxAuthOptions {
  std::string prefix;  // the adapter's key prefix for clientConfig(), e.g. "ltt"
  std::string dir;     // where the dev PKI files go (exists)
  std::string realmPath = "/auth/realms/ehealth";
  std::string clientId = "reghub-dev-kommune";
  std::string cvr = "29189846";
  std::string appliesTo;  // the service entity id the STS issues for
  std::chrono::milliseconds tokenLifetime{300000};
  std::chrono::milliseconds clockSkew{5000};
  std::function<Clock::time_point()> now = [] { return Clock::now(); };
};

// Makes the sandbox's STS stand-in once the base URL is known. Given the
// dev CA's PEM file (whose function certificates it trusts) and the options.
using StsStandInFactory = std::function<std::unique_ptr<StsStandIn>(const std::string& baseUrl,
                                                                    const std::string& clientCaFile,
                                                                    const SandboxAuthOptions& options)>;

class GatewaySandboxAuth {
 public:
  // Makes the dev PKI and the dev client's function certificate, writes
  // client-ca.pem, client-cert.pem, client-key.pem (0600) into options.dir.
  // Throws std::runtime_error on I/O or OpenSSL failure.
  GatewaySandboxAuth(SandboxAuthOptions options, StsStandInFactory sts);
  ~GatewaySandboxAuth();

  // Called once the sandbox's server is bound (the realm URL has its port).
  void start(const std::string& baseUrl);

  // The STS or token endpoint's answer when the request is for one of them.
  std::optional<net::HttpResponse> route(const net::HttpRequest& request);
  // The issued token behind the request's bearer token, when valid now.
  std::optional<IssuedToken> authorize(const net::HttpRequest& request) const;

  // The adapter's keys a hub needs to reach the sandbox through it.
  std::map<std::string, std::string> clientConfig() const;
  std::string realmUrl() const { return realmUrl_; }
  std::string tokenPath() const { return options_.realmPath + "/protocol/openid-connect/token"; }
  TokenEndpoint& tokenEndpoint() { return *endpoint_; }
  StsStandIn* sts() { return sts_.get(); }
  const std::string& clientKeyFile() const { return clientKeyFile_; }
  const std::string& clientCertFile() const { return clientCertFile_; }
  const std::string& clientCaFile() const { return clientCaFile_; }

 private:
  SandboxAuthOptions options_;
  StsStandInFactory stsFactory_;
  std::string clientCaFile_, clientCertFile_, clientKeyFile_;
  EvpKey clientPublicKey_;
  std::string baseUrl_, realmUrl_;
  std::unique_ptr<StsStandIn> sts_;
  std::unique_ptr<TokenEndpoint> endpoint_;
};

}  // namespace reghub::kl_gateway
