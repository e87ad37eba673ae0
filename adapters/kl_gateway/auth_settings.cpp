#include "adapters/kl_gateway/auth_settings.h"

#include <cctype>
#include <stdexcept>

namespace reghub::kl_gateway {

std::vector<config::Key> authKeys(const std::string& p) {
  using namespace config;
  const std::string a = p + ".auth.";
  const std::string env = "REGHUB_" + [&] {
    std::string u;
    for (const char c : p) u += char(std::toupper(static_cast<unsigned char>(c)));
    return u;
  }() + "_AUTH_";
  return {
      enumKey(a + "preset", {"custom", "test"},
              "FK Gateway environment: test = KL's test realm and KOMBIT's test STS (from the operator's documents) "
              "for the keys not set; custom = set realm and sts.url yourself (production hosts are not public)")
          .withDefault("custom"),
      urlKey(a + "realm", {"https"},
             "FK Gateway's authorization server realm, e.g. https://saml.test001.ehealth.sundhed.dk/auth/realms/ehealth: "
             "the client assertion's aud; the token endpoint is below it. Empty (and preset custom): no OAuth")
          .fromEnv(env + "REALM"),
      stringKey(a + "tokenPath", "token endpoint path below the realm (inferred: Keycloak's)")
          .withDefault("/protocol/openid-connect/token"),
      stringKey(a + "clientId", "client id registered with the gateway: the client assertion's iss and sub")
          .fromEnv(env + "CLIENT_ID"),
      stringKey(a + "kid", "the client assertion's kid; empty: base64url(SHA-256 of the DER public key)"),
      millisKey(a + "assertionLifetimeMs", "lifetime of each client assertion (exp - iat)").withDefault("10000").range(1000),
      stringKey(a + "grantType", "token exchange grant_type (inferred: RFC 8693)")
          .withDefault("urn:ietf:params:oauth:grant-type:token-exchange"),
      stringKey(a + "subjectTokenType", "token exchange subject_token_type (inferred: RFC 8693)")
          .withDefault("urn:ietf:params:oauth:token-type:saml2"),
      stringKey(a + "clientAssertionType", "token exchange client_assertion_type (inferred: RFC 7523)")
          .withDefault("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
      boolKey(a + "sendClientId", "also send client_id in the token request (inferred: Keycloak accepts it)")
          .withDefault("true"),
      enumKey(a + "subjectTokenEncoding", {"base64url", "base64"}, "how the SAML assertion is encoded as subject_token")
          .withDefault("base64url"),
      stringKey(a + "audience", "RFC 8693 audience parameter of the exchange; empty: not sent"),
      millisKey(a + "assumedTokenLifetimeMs", "an access token's lifetime when the answer has no expires_in")
          .withDefault("60000")
          .range(1000),
      millisKey(a + "refreshMarginMs", "fetch a new access token this long before the old one expires")
          .withDefault("60000")
          .range(0),
      millisKey(a + "rejectedHoldMs",
                "after the token endpoint or STS refuses our credentials, answer from memory this long (no storm)")
          .withDefault("60000")
          .range(0),
      pathKey(a + "tokenCaFile", "PEM CA bundle for the token endpoint's TLS (empty: the gateway's CA setting)"),
      pathKey(a + "certFile", "PEM function certificate of the anvendersystem (signs STS requests and client assertions)")
          .fromEnv(env + "CERT_FILE"),
      pathKey(a + "keyFile", "PEM private key of certFile").fromEnv(env + "KEY_FILE"),
      pathKey(a + "pkcs12File", "PKCS#12 file with certificate and key (instead of certFile + keyFile)")
          .fromEnv(env + "PKCS12_FILE"),
      stringKey(a + "passphraseEnv",
                "name of the environment variable holding the key's passphrase (never the passphrase itself), e.g. " +
                    env + "PASSPHRASE; empty: the key is not encrypted"),
      urlKey(a + "sts.url", {"https"}, "KOMBIT STS endpoint (WS-Trust 1.3 Issue, SOAP 1.2)"),
      stringKey(a + "sts.entityId", "KOMBIT STS entity id (wsa:To); empty: sts.url"),
      stringKey(a + "sts.appliesTo", "the service's entity id asked for (wsp:AppliesTo; inferred from the service agreement)")
          .withDefault(kCareGatewayService),
      stringKey(a + "sts.cvr", "the kommune's CVR number, 8 digits (claim dk:gov:saml:attribute:CvrNumberIdentifier)")
          .fromEnv(env + "CVR"),
      enumKey(a + "sts.soapVersion", {"1.2", "1.1"}, "SOAP version of the STS request").withDefault("1.2"),
      pathKey(a + "sts.caFile", "PEM CA bundle for the STS's TLS (empty: system CAs)"),
      pathKey(a + "sts.signingCertFile",
              "PEM certificate KOMBIT STS signs its assertions with; each assertion is checked against it before it "
              "is exchanged (required with a realm)"),
      millisKey(p + ".sandbox.tokenLifetimeMs", "sandbox: lifetime of the bearer tokens its token endpoint issues")
          .withDefault("300000")
          .range(1000),
      millisKey(p + ".sandbox.clockSkewMs", "sandbox: clock skew its token endpoint allows on exp/nbf")
          .withDefault("5000")
          .range(0),
  };
}

namespace {
struct Reader {
  const config::Config& c;
  const std::vector<config::Key> keys;
  const std::string prefix;
  const config::Key& key(const std::string& leaf) const {
    const std::string name = prefix + leaf;
    for (const auto& k : keys)
      if (k.name == name) return k;
    throw std::logic_error("undeclared key " + name);
  }
  std::string str(const std::string& leaf) const { return c.getOptional(key(leaf)).value_or(""); }
  std::chrono::milliseconds ms(const std::string& leaf) const { return std::chrono::milliseconds(c.getInt(key(leaf))); }
};
}  // namespace

AuthSettings AuthSettings::fromConfig(const config::Config& c, const std::string& prefix,
                                      const net::HttpsClientOptions& gatewayTls) {
  const Reader r{c, authKeys(prefix), prefix + "."};
  AuthSettings s;
  const bool test = r.str("auth.preset") == "test";
  s.realm = r.str("auth.realm");
  if (s.realm.empty() && test) s.realm = kTestRealm;
  while (!s.realm.empty() && s.realm.back() == '/') s.realm.pop_back();
  s.sts.url = r.str("auth.sts.url");
  if (s.sts.url.empty() && test) s.sts.url = kTestKombitSts;
  s.sandboxTokenLifetime = r.ms("sandbox.tokenLifetimeMs");
  s.sandboxClockSkew = r.ms("sandbox.clockSkewMs");
  s.clientId = r.str("auth.clientId");
  s.kid = r.str("auth.kid");
  s.assertionLifetime = r.ms("auth.assertionLifetimeMs");
  s.exchange.tokenUrl = s.realm + r.str("auth.tokenPath");
  s.exchange.tls = gatewayTls;
  if (const std::string ca = r.str("auth.tokenCaFile"); !ca.empty()) s.exchange.tls.caFile = ca;
  s.exchange.grantType = r.str("auth.grantType");
  s.exchange.subjectTokenType = r.str("auth.subjectTokenType");
  s.exchange.encoding =
      r.str("auth.subjectTokenEncoding") == "base64" ? SubjectTokenEncoding::kBase64 : SubjectTokenEncoding::kBase64Url;
  s.exchange.clientAssertionType = r.str("auth.clientAssertionType");
  s.exchange.clientId = c.getBool(r.key("auth.sendClientId")) ? s.clientId : std::string();
  s.exchange.audience = r.str("auth.audience");
  s.exchange.assumedLifetime = r.ms("auth.assumedTokenLifetimeMs");
  s.refreshMargin = r.ms("auth.refreshMarginMs");
  s.rejectedHold = r.ms("auth.rejectedHoldMs");
  s.credentials = {r.str("auth.certFile"), r.str("auth.keyFile"), r.str("auth.pkcs12File"), r.str("auth.passphraseEnv"),
                   prefix + ".auth.certFile"};
  s.sts.prefix = prefix;
  s.sts.entityId = r.str("auth.sts.entityId");
  s.sts.appliesTo = r.str("auth.sts.appliesTo");
  s.sts.cvr = r.str("auth.sts.cvr");
  s.sts.soapVersion = r.str("auth.sts.soapVersion");
  s.sts.caFile = r.str("auth.sts.caFile");
  s.sts.signingCertFile = r.str("auth.sts.signingCertFile");
  if (!s.enabled()) return s;

  // What an enabled setup cannot do without, each named by its key.
  if (s.clientId.empty())
    throw c.error(r.key("auth.clientId"), prefix + ".auth.clientId is required with " + prefix +
                                              ".auth.realm: the client id FK Gateway registered for the system's key");
  if (s.credentials.pkcs12File.empty() && (s.credentials.certFile.empty() || s.credentials.keyFile.empty()))
    throw c.error(r.key("auth.certFile"), "FK Gateway access needs the function certificate: set " + prefix +
                                              ".auth.certFile and " + prefix + ".auth.keyFile, or " + prefix +
                                              ".auth.pkcs12File");
  if (s.sts.url.empty())
    throw c.error(r.key("auth.sts.url"), prefix + ".auth.sts.url is required with " + prefix +
                                             ".auth.realm: KOMBIT STS issues the SAML assertion (or set " + prefix +
                                             ".auth.preset = test)");
  if (s.sts.signingCertFile.empty())
    throw c.error(r.key("auth.sts.signingCertFile"),
                  prefix + ".auth.sts.signingCertFile is required with " + prefix +
                      ".auth.realm: the certificate KOMBIT STS signs its assertions with (each one is checked)");
  if (s.sts.cvr.size() != 8 || s.sts.cvr.find_first_not_of("0123456789") != std::string::npos)
    throw c.error(r.key("auth.sts.cvr"), prefix + ".auth.sts.cvr must be the kommune's CVR number, 8 digits");
  return s;
}

}  // namespace reghub::kl_gateway
