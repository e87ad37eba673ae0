#include "adapters/kl_gateway/sandbox_auth.h"

#include <filesystem>
#include <stdexcept>

#include "hub/security/dev_pki.h"

namespace reghub::kl_gateway {

GatewaySandboxAuth::GatewaySandboxAuth(SandboxAuthOptions options, StsStandInFactory sts)
    : options_(std::move(options)), stsFactory_(std::move(sts)) {
  const std::filesystem::path dir(options_.dir);
  clientCaFile_ = (dir / "client-ca.pem").string();
  clientCertFile_ = (dir / "client-cert.pem").string();
  clientKeyFile_ = (dir / "client-key.pem").string();
  const security::DevPki pki("reghub sandbox " + options_.prefix + " dev CA");
  const security::IssuedCertificate client =
      pki.issueFunctionCertificate(options_.cvr, options_.clientId, "reghub dev kommune");
  pki.writeCaPem(clientCaFile_);
  client.writeCertPem(clientCertFile_);
  client.writeKeyPem(clientKeyFile_);
  clientPublicKey_ = adoptKey(X509_get_pubkey(client.cert.get()));
  if (!clientPublicKey_) throw std::runtime_error("sandbox: the dev client certificate has no public key");
}

GatewaySandboxAuth::~GatewaySandboxAuth() = default;

void GatewaySandboxAuth::start(const std::string& baseUrl) {
  baseUrl_ = baseUrl;
  realmUrl_ = baseUrl + options_.realmPath;
  sts_ = stsFactory_ ? stsFactory_(baseUrl, clientCaFile_, options_) : nullptr;
  TokenEndpointOptions o;
  o.realmUrl = realmUrl_;
  o.tokenLifetime = options_.tokenLifetime;
  o.clockSkew = options_.clockSkew;
  o.now = options_.now;
  StsStandIn* sts = sts_.get();  // owned by this object, which outlives the endpoint
  endpoint_ = std::make_unique<TokenEndpoint>(o, [sts](const std::string& xml, Clock::time_point now) {
    if (!sts) return SubjectCheck{false, {}, "the sandbox has no STS stand-in to check assertions against"};
    return sts->verify(xml, now);
  });
  endpoint_->registerClient(options_.clientId, clientPublicKey_);
}

std::optional<net::HttpResponse> GatewaySandboxAuth::route(const net::HttpRequest& req) {
  if (!endpoint_) return std::nullopt;
  if (req.path == tokenPath()) return endpoint_->handle(req);
  if (sts_ && req.path == sts_->path()) return sts_->handle(req);
  return std::nullopt;
}

std::optional<IssuedToken> GatewaySandboxAuth::authorize(const net::HttpRequest& req) const {
  if (!endpoint_) return std::nullopt;
  const std::string bearer = bearerFrom(req.headers);
  if (bearer.empty()) return std::nullopt;
  return endpoint_->validate(bearer);
}

std::map<std::string, std::string> GatewaySandboxAuth::clientConfig() const {
  const std::string a = options_.prefix + ".auth.";
  std::map<std::string, std::string> c = {
      {a + "realm", realmUrl_},
      {a + "clientId", options_.clientId},
      {a + "certFile", clientCertFile_},
      {a + "keyFile", clientKeyFile_},
      {a + "sts.cvr", options_.cvr},
  };
  if (sts_) c[a + "sts.url"] = baseUrl_ + sts_->path();
  if (sts_ && !sts_->signingCertFile().empty()) c[a + "sts.signingCertFile"] = sts_->signingCertFile();
  if (!options_.appliesTo.empty()) c[a + "sts.appliesTo"] = options_.appliesTo;
  return c;
}

}  // namespace reghub::kl_gateway
