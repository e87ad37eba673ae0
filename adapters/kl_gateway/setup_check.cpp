#include "adapters/kl_gateway/setup_check.h"

#include "adapters/kl_gateway/client_assertion.h"
#include "hub/security/codec.h"

namespace reghub::kl_gateway {

namespace {

bool has(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

void fail(std::ostream& out, const std::string& step, const std::string& error, const std::string& prefix) {
  out << "  FEJL / FAILED: " << step << "\n    " << error << "\n";
  if (const std::string hint = hintFor(error, prefix); !hint.empty()) out << "    → " << hint << "\n";
}

}  // namespace

std::string hintFor(const std::string& e, const std::string& p) {
  const std::string a = p + ".auth.";
  if (has(e, "unknown kid"))
    return "gatewayen kender ikke nøglen: registrér systemets offentlige nøgle hos FK Gateway (pull request til "
           "trifork/klg-docs, to ugers varsel), eller sæt " + a + "kid til den registrerede / the gateway does not know "
           "this key: register the system's public key with FK Gateway (pull request to trifork/klg-docs), or set " +
           a + "kid to the registered one";
  if (has(e, "client_assertion signature does not verify"))
    return a + "kid hører til en anden nøgle end " + a + "certFile / " + a + "kid names another key than " + a +
           "certFile: remove " + a + "kid or use the registered certificate";
  if (has(e, "is not the client id"))
    return "ret " + a + "clientId til det client id, gatewayen registrerede for nøglen / fix " + a +
           "clientId: the client id the gateway registered for this key";
  if (has(e, "aud is not the realm"))
    return "ret " + a + "realm (eller " + a + "preset) / fix " + a + "realm (or " + a + "preset)";
  if (has(e, "clock") || has(e, "MessageExpired") || has(e, "not yet valid") || has(e, "endnu ikke gyldig"))
    return "urene går forkert: synkroniser maskinens ur (NTP) / clock skew: synchronise the clock (NTP)";
  if (has(e, "not signed by the configured STS"))
    return a + "sts.signingCertFile er ikke KOMBIT STS's signeringscertifikat / " + a +
           "sts.signingCertFile is not KOMBIT STS's signing certificate";
  if (has(e, "wrong issuer")) return "ret " + a + "sts.entityId / fix " + a + "sts.entityId";
  if (has(e, "another audience") || has(e, "AppliesTo") || has(e, "InvalidRequest"))
    return "anvendersystemet har ikke en serviceaftale for " + std::string(kCareGatewayService) +
           " med systemrollen \"Care Delivery Reporter System\" i Serviceplatformen, eller " + a +
           "sts.appliesTo er forkert / no service agreement for that service with that system role, or " + a +
           "sts.appliesTo is wrong";
  if (has(e, "FailedAuthentication") || has(e, "InvalidSecurity") || has(e, "trusted CA") ||
      has(e, "local issuer"))
    return "KOMBIT STS afviser certifikatet: er funktionscertifikatet (OCES3/FOCES) knyttet til anvendersystemet i "
           "Serviceplatformen? / KOMBIT STS refuses the certificate: is the function certificate attached to the "
           "anvendersystem in Serviceplatformen?";
  if (has(e, "certificate has expired") || has(e, "udløbet"))
    return "certifikatet er udløbet: forny det i MitID Erhverv og opdater " + a + "certFile / the certificate has "
           "expired: renew it and update " + a + "certFile";
  if (has(e, "tls"))
    return "TLS-forbindelsen blev afvist: er serverens CA i " + p + ".caFile / " + a + "tokenCaFile / " + a +
           "sts.caFile (tom = systemets)? / the TLS handshake failed: is the server's CA in " + p + ".caFile / " + a +
           "tokenCaFile / " + a + "sts.caFile (empty = the system's)?";
  if (has(e, "connect") || has(e, "timeout") || has(e, "kunne ikke nås"))
    return "serveren kunne ikke nås: kontroller " + a + "realm / " + a + "sts.url og firewall / the server could not "
           "be reached: check " + a + "realm / " + a + "sts.url and the firewall";
  if (has(e, "invalid_grant"))
    return "gatewayen godtog ikke SAML-assertionen: " + a + "sts.appliesTo og serviceaftalen / the gateway refused the "
           "SAML assertion: check " + a + "sts.appliesTo and the service agreement";
  return {};
}

bool checkGatewaySetup(const CheckTarget& t, const std::optional<GatewayAccess>& access, std::ostream& out) {
  const std::string a = t.registry + ".auth.";
  out << "reghub check " << t.registry << ": FK Gateway " << (t.endpoint.empty() ? "(no " + t.registry + ".endpoint)" : t.endpoint)
      << "\n";
  if (!access) {
    fail(out, "FK Gateway-adgang / FK Gateway access",
         "ingen adgang konfigureret (" + a + "realm er tom) / no access configured (" + a + "realm is empty)", t.registry);
    out << "    → sæt " << a << "preset = test (KL's testmiljø) eller " << a << "realm, " << a << "clientId, " << a
        << "certFile/keyFile, " << a << "sts.* / set " << a << "preset = test or " << a << "realm and the rest\n";
    return false;
  }
  const security::Credentials& key = *access->credentials;
  const auto now = std::chrono::system_clock::now();
  out << "1. funktionscertifikat / function certificate: " << key.subject() << ", gyldigt til / valid until "
      << security::formatUtc(key.notAfter()).substr(0, 10) << "\n   kid: " << access->auth->signer().kid() << "\n";
  if (key.notAfter() <= now) {
    fail(out, "funktionscertifikat / function certificate",
         "the certificate has expired on " + security::formatUtc(key.notAfter()).substr(0, 10), t.registry);
    return false;
  }
  if (key.notAfter() - now < std::chrono::hours(24 * 30))
    out << "   ADVARSEL / WARNING: udløber om under 30 dage / expires in less than 30 days\n";

  const SubjectTokenResult saml = access->auth->issueSubjectToken();
  if (saml.outcome != AuthOutcome::kOk) {
    fail(out, "2. KOMBIT STS (" + t.settings->sts.url + ")", saml.error, t.registry);
    return false;
  }
  out << "2. KOMBIT STS: assertion til / for " << t.settings->sts.appliesTo << ", gyldig til / valid until "
      << security::formatUtc(saml.token.expires) << "\n";

  const TokenFetch token = access->auth->exchange(saml.token);
  if (token.outcome != AuthOutcome::kOk) {
    fail(out, "3. token exchange (" + t.settings->exchange.tokenUrl + ")", token.error, t.registry);
    return false;
  }
  out << "3. token exchange: adgangstoken til / access token for "
      << (token.token.subject.empty() ? "(opaque token, no subject)" : token.token.subject)
      << ", udløber / expires " << security::formatUtc(token.token.expires) << "\n"
      << "OK: FK Gateway-opsætningen virker (ingen data sendt) / the FK Gateway setup works (no data sent)\n";
  return true;
}

}  // namespace reghub::kl_gateway
