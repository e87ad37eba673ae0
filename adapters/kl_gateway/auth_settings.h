#pragma once
// FK Gateway access settings, one key family every KL Gateway adapter
// declares under its own prefix ("ltt.auth.…", later "rehab.auth.…"), so
// each registry can have its own client id and certificate. What
// shared/reference/auth/README.md B marks as inferred is a key with that
// default, never a constant. With `<p>.auth.realm` empty (and no preset)
// the adapter sends no Authorization header.
//
// Presets: `<p>.auth.preset = test` fills what the reference gives for KL's
// test environment (realm, KOMBIT STS) when those keys are not set. The
// production hosts are not public: `custom` (the default) sets them by hand.
#include <chrono>
#include <string>
#include <vector>

#include "adapters/kl_gateway/token_exchange.h"
#include "hub/config/config.h"

namespace reghub::kl_gateway {

// The keys under "<prefix>.auth." and the sandbox's "<prefix>.sandbox.token…".
std::vector<config::Key> authKeys(const std::string& prefix);

struct CredentialFiles {
  std::string certFile, keyFile, pkcs12File;  // PEM pair or PKCS#12
  std::string passphraseEnv;                  // name of the environment variable with the passphrase
  std::string setting;                        // named in errors
};

struct StsSettings {
  std::string prefix;     // the adapter's key prefix, for errors ("ltt")
  std::string url;        // KOMBIT STS endpoint (SOAP 1.2)
  std::string entityId;   // wsa:To; empty: the URL
  std::string appliesTo;  // the service's entity id (wsp:AppliesTo)
  std::string cvr;        // the kommune's CVR (wst:Claims CvrNumberIdentifier)
  std::string soapVersion = "1.2";
  std::string caFile;     // TLS trust for the STS (empty: system CAs)
  std::string signingCertFile;  // the STS's signing certificate, to check its answers (optional)
};

struct AuthSettings {
  bool enabled() const { return !realm.empty(); }
  std::string realm;  // https://…/auth/realms/<realm>: the client assertion's aud
  std::string clientId;
  std::string kid;  // empty: from the key
  std::chrono::milliseconds assertionLifetime{10000};
  TokenExchangeConfig exchange;  // tokenUrl = realm + tokenPath
  std::chrono::milliseconds refreshMargin{60000};
  std::chrono::milliseconds rejectedHold{60000};
  CredentialFiles credentials;
  StsSettings sts;
  // Sandbox: its token endpoint.
  std::chrono::milliseconds sandboxTokenLifetime{300000};
  std::chrono::milliseconds sandboxClockSkew{5000};

  // Reads "<prefix>.auth.*"; cross-key checks (realm without client id or
  // certificate) throw config::ConfigError naming the key. No I/O.
  static AuthSettings fromConfig(const config::Config& config, const std::string& prefix,
                                 const net::HttpsClientOptions& gatewayTls);
};

// The reference's test environment (preset "test").
inline constexpr const char* kTestRealm = "https://saml.test001.ehealth.sundhed.dk/auth/realms/ehealth";
inline constexpr const char* kTestKombitSts =
    "https://adgangsstyring.eksterntest-stoettesystemerne.dk/runtime/services/kombittrust/14/certificatemixed";
inline constexpr const char* kCareGatewayService = "http://ehealth.sundhed.dk/service/CareGateway/1";

}  // namespace reghub::kl_gateway
