#include "adapters/kl_gateway/kombit_sts.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hub/config/config_error.h"
#include "hub/security/dev_pki.h"
#include "hub/security/saml_assertion.h"
#include "hub/security/trust_store.h"
#include "hub/security/ws_trust.h"
#include "hub/security/xml_doc.h"

namespace reghub::kl_gateway {

namespace {

class KombitStsSource final : public SubjectTokenSource {
 public:
  KombitStsSource(const StsSettings& s, std::shared_ptr<const security::Credentials> credentials,
                  security::SharedX509 stsCertificate)
      : client_(s.url, tlsOf(s), specOf(s), credentials, policyOf(s, *credentials, std::move(stsCertificate))) {}

  SubjectTokenResult issue() override {
    const security::TokenOutcome o = client_.issue();
    if (!o.ok()) return {o.permanent ? AuthOutcome::kRejected : AuthOutcome::kRetry, {}, o.error};
    return {AuthOutcome::kOk, {o.token->assertionXml, o.token->info.notOnOrAfter}, {}};
  }

 private:
  static std::string entityIdOf(const StsSettings& s) { return s.entityId.empty() ? s.url : s.entityId; }
  static net::HttpsClientOptions tlsOf(const StsSettings& s) {
    net::HttpsClientOptions o;
    o.caFile = s.caFile;
    return o;
  }
  static security::IssueRequestSpec specOf(const StsSettings& s) {
    security::IssueRequestSpec spec;
    spec.version = s.soapVersion == "1.1" ? security::SoapVersion::k11 : security::SoapVersion::k12;
    spec.stsEntityId = entityIdOf(s);
    spec.appliesTo = s.appliesTo;
    spec.cvrClaim = s.cvr;
    return spec;
  }
  static security::AssertionPolicy policyOf(const StsSettings& s, const security::Credentials& c,
                                            security::SharedX509 stsCertificate) {
    security::AssertionPolicy p;
    p.stsCertificate = std::move(stsCertificate);
    p.issuer = entityIdOf(s);
    p.audience = s.appliesTo;
    p.holderOfKey = security::shareX509(c.certificate());
    return p;
  }
  security::WsTrustClient client_;
};

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::shared_ptr<SubjectTokenSource> makeKombitStsSource(const StsSettings& s,
                                                        std::shared_ptr<const security::Credentials> credentials) {
  const std::string setting = s.prefix + ".auth.sts.signingCertFile";
  if (s.signingCertFile.empty())
    throw config::ConfigError(setting, "", setting + " is required: the certificate KOMBIT STS signs its assertions "
                                                     "with (the hub checks each one before it exchanges it)");
  security::X509Ptr cert = security::certificateFromPem(readFile(s.signingCertFile));
  if (!cert)
    throw config::ConfigError(setting, "", setting + ": " + s.signingCertFile + " is not a readable PEM certificate");
  security::SharedX509 shared(cert.release(), X509_free);
  return std::make_shared<KombitStsSource>(s, std::move(credentials), std::move(shared));
}

KombitStsStandIn::KombitStsStandIn(const std::string& baseUrl, const std::string& clientCaFile,
                                   const SandboxAuthOptions& options)
    : entityId_(baseUrl + "/kombit/sts"),
      audience_(options.appliesTo),
      skew_(std::chrono::duration_cast<std::chrono::seconds>(options.clockSkew)) {
  const security::DevPki pki("reghub sandbox KOMBIT STS CA");
  const security::IssuedCertificate cert = pki.issueStsCertificate("reghub sandbox KOMBIT STS");
  signingCertFile_ = (std::filesystem::path(options.dir) / "sts-signing.pem").string();
  cert.writeCertPem(signingCertFile_);
  signingKey_ = std::make_shared<const security::Credentials>(cert.credentials());
  security::StsStandInOptions o;
  o.version = security::SoapVersion::k12;
  o.entityId = entityId_;
  o.signingKey = signingKey_;
  o.clientCa = std::make_shared<const security::TrustStore>(
      security::TrustStore::fromFile(clientCaFile, options.prefix + " sandbox client CA"));
  o.tokenLifetime = std::chrono::hours(1);
  o.audiences = {audience_};
  sts_ = std::make_unique<security::StsStandIn>(std::move(o));
}

SubjectCheck KombitStsStandIn::verify(const std::string& xml, Clock::time_point now) const {
  std::string error;
  security::XmlDocPtr doc = security::parseXml(xml, error);
  if (!doc) return {false, {}, "not XML: " + error};
  if (!security::registerIds(doc.get(), error)) return {false, {}, error};
  security::AssertionPolicy p;
  p.stsCertificate = security::shareX509(signingKey_->certificate());
  p.issuer = entityId_;
  p.audience = audience_;
  p.clockSkew = skew_;
  const security::AssertionCheck c = security::checkAssertion(doc.get(), xmlDocGetRootElement(doc.get()), p, now);
  if (!c.ok()) return {false, {}, c.message};
  return {true, c.info.nameId, {}};
}

std::unique_ptr<StsStandIn> kombitStsStandIn(const std::string& baseUrl, const std::string& clientCaFile,
                                             const SandboxAuthOptions& options) {
  return std::make_unique<KombitStsStandIn>(baseUrl, clientCaFile, options);
}

}  // namespace reghub::kl_gateway
