#pragma once
// SMDB's OIO IDWS client side: the function certificate, the NemLog-in STS
// client and the token cache, made once per process (SmdbAdapter keeps
// one) and shared by every worker's deliverer; and one secured call —
// a fresh Timestamp and MessageID, the cached assertion, the signature
// (hub/security/wss_envelope.h). A security fault from SMDB (expired or
// revoked token) gets one retry with a new token; a token younger than
// smdb.tokenMinReissueMs is not replaced (bad credentials: no STS storm).
// Thread-safe; the HttpsClient passed to call() is the caller's (one per worker).
#include <memory>
#include <optional>
#include <string>

#include "adapters/smdb/settings.h"
#include "hub/net/https_client.h"
#include "hub/security/credentials.h"
#include "hub/security/token_cache.h"
#include "hub/security/ws_trust.h"

namespace reghub::smdb {

struct IdwsAnswer {
  net::HttpResult http;               // SMDB's answer (when a token was had)
  std::optional<std::string> tokenError;  // no token: why (Danish and English)
  bool tokenErrorPermanent = false;
  int attempts = 0;   // service calls made (1, or 2 after a token refresh)
  std::string whoAmI;  // the token's subject (NameID) — never the token itself
};

class IdwsClient {
 public:
  // Loads the function certificate and STS certificate (I/O). Throws
  // config::ConfigError naming the smdb.* key when a file is missing or wrong.
  explicit IdwsClient(const Settings& settings, security::Clock clock = {});

  // One secured POST of `payloadXml` (the SOAP Body's content) for `action`
  // to `target` (the .svc path) through `client`.
  IdwsAnswer call(net::HttpsClient& client, const std::string& target, const std::string& action,
                  const std::string& payloadXml);
  // A token now (for `reghub check`).
  security::TokenOutcome token() { return cache_->get(settings_.idws.serviceEntityId); }
  const security::Credentials& credentials() const { return *key_; }
  size_t stsCalls() const { return cache_->fetches(); }

 private:
  Settings settings_;
  std::shared_ptr<const security::Credentials> key_;
  std::unique_ptr<security::WsTrustClient> sts_;
  std::unique_ptr<security::TokenCache> cache_;
};

}  // namespace reghub::smdb
