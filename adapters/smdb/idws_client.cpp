#include "adapters/smdb/idws_client.h"

#include <Poco/Exception.h>

#include <fstream>
#include <sstream>

#include "hub/config/config_error.h"
#include "hub/security/soap.h"
#include "hub/security/wss_envelope.h"

namespace reghub::smdb {

namespace {

security::SharedX509 loadStsCertificate(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw config::ConfigError("smdb.stsCertificate", "", "smdb.stsCertificate: cannot read " + file);
  std::ostringstream s;
  s << in.rdbuf();
  security::X509Ptr cert = security::certificateFromPem(s.str());
  if (!cert)
    throw config::ConfigError("smdb.stsCertificate", "",
                              "smdb.stsCertificate: " + file + " is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
  return security::SharedX509(cert.release(), X509_free);
}

bool isSecurityFault(const net::HttpResult& r) {
  if (!r.answered()) return false;
  const auto fault = security::parseSoapFault(r.body);
  return fault && fault->securityFault();
}

}  // namespace

IdwsClient::IdwsClient(const Settings& settings, security::Clock clock) : settings_(settings) {
  const Settings::Idws& a = settings_.idws;
  key_ = std::make_shared<security::Credentials>(security::Credentials::load(a.function));
  security::AssertionPolicy policy;
  policy.stsCertificate = loadStsCertificate(a.stsCertificate);
  policy.issuer = a.stsEntityId;
  policy.audience = a.serviceEntityId;
  policy.clockSkew = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(a.clockSkewMs));
  policy.holderOfKey = security::shareX509(key_->certificate());
  security::IssueRequestSpec spec;
  spec.version = security::SoapVersion::k11;  // NemLog-in's STS speaks SOAP 1.1 (its interface v1.2)
  spec.stsEntityId = a.stsEntityId;
  spec.appliesTo = a.serviceEntityId;
  spec.lifetime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(a.tokenLifetimeMs));
  net::HttpsClientOptions tls;
  tls.caFile = a.stsCaFile;
  tls.timeout = std::chrono::milliseconds(settings_.timeoutMs);
  try {
    sts_ = std::make_unique<security::WsTrustClient>(a.stsUrl, tls, spec, key_, policy);
  } catch (const Poco::Exception& e) {
    throw config::ConfigError("smdb.stsCaFile", "", "smdb.stsCaFile: cannot load " + a.stsCaFile + ": " + e.displayText());
  }
  security::TokenCacheOptions o;
  o.refreshMargin = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(a.tokenRefreshMarginMs));
  o.minReissueInterval = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(a.tokenMinReissueMs));
  o.clock = std::move(clock);
  security::WsTrustClient* sts = sts_.get();
  cache_ = std::make_unique<security::TokenCache>([sts](const std::string& aud) { return sts->issue(aud); }, o);
}

IdwsAnswer IdwsClient::call(net::HttpsClient& client, const std::string& target, const std::string& action,
                            const std::string& payloadXml) {
  const std::string audience = settings_.idws.serviceEntityId;
  IdwsAnswer out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const security::TokenOutcome t = cache_->get(audience);
    if (!t.ok()) {
      out.tokenError = t.error;
      out.tokenErrorPermanent = t.permanent;
      return out;
    }
    security::WsaHeaders wsa;
    wsa.action = action;
    wsa.to = settings_.endpoint + target;
    const security::SecuredRequest req =
        security::buildIdwsRequest(settings_.idws.soapVersion, wsa, payloadXml, t.token->assertionXml, *key_,
                                   std::chrono::system_clock::now());
    out.http = client.send("POST", target, req.envelope, req.contentType, req.headers);
    out.whoAmI = t.token->info.nameId;
    ++out.attempts;
    // Refused for security: the token may have expired or been revoked
    // early — replace it once (if it is old enough) and try again.
    if (!isSecurityFault(out.http) || !cache_->invalidate(audience, t.token->info.id)) break;
  }
  return out;
}

}  // namespace reghub::smdb
