#pragma once
// A stand-in for FK Gateway's authorization server (Keycloak) for sandboxes
// and tests: the RFC 8693 token exchange with RFC 7523 client
// authentication, enforced as the real one would (inferred where
// shared/reference/auth/README.md B says so):
// - the client assertion: RS256 JWS whose `kid` names a registered client
//   public key (unknown kid → invalid_client), signature by that key,
//   iss = sub = the client id registered with the key, aud = the realm URL,
//   exp/nbf within a small clock skew, and a jti never seen before;
// - the subject token: base64url SAML assertion, checked by the given
//   SubjectTokenVerifier (signed by the sandbox's STS stand-in, audience,
//   validity window) → invalid_grant with its reason;
// - on success a short-lived bearer token (a JWT signed by the endpoint's
//   own key, `sub` = the assertion's subject), remembered until it expires.
// Errors are RFC 6749 §5.2 JSON ({"error","error_description"}), 400/401.
// Thread-safe. No I/O of its own (the HTTPS server is the sandbox's).
#include <openssl/evp.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/kl_gateway/access_token.h"
#include "adapters/kl_gateway/client_assertion.h"
#include "hub/net/http_types.h"

namespace reghub::kl_gateway {

struct SubjectCheck {
  bool ok = false;
  std::string subject;  // the assertion's NameID (when ok)
  std::string error;    // why it was refused (when not ok)
};
// Checks a SAML assertion (XML text) at `now`. Must be thread-safe.
using SubjectTokenVerifier = std::function<SubjectCheck(const std::string& assertionXml, Clock::time_point now)>;

struct TokenEndpointOptions {
  std::string realmUrl;  // the `aud` every client assertion must carry
  std::chrono::milliseconds tokenLifetime{300000};
  std::chrono::milliseconds clockSkew{5000};
  std::string grantType = "urn:ietf:params:oauth:grant-type:token-exchange";
  std::string subjectTokenType = "urn:ietf:params:oauth:token-type:saml2";
  std::string clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  std::function<Clock::time_point()> now = [] { return Clock::now(); };
};

struct IssuedToken {
  std::string subject;
  std::string clientId;
  Clock::time_point expires;
};

class TokenEndpoint {
 public:
  TokenEndpoint(TokenEndpointOptions options, SubjectTokenVerifier verifier);

  // Registers a client's public key under `kid` (empty: keyIdOf(key)), as
  // the gateway operator does from the kommune's pull request.
  void registerClient(const std::string& clientId, EvpKey publicKey, std::string kid = {});

  // POST with a form body → 200 {"access_token","token_type","expires_in",…}
  // or an OAuth error. Never throws for bad input.
  net::HttpResponse handle(const net::HttpRequest& request);

  // For the resource server: the token behind `Authorization: Bearer …`,
  // when it was issued here and has not expired.
  std::optional<IssuedToken> validate(const std::string& bearerToken) const;

  // Every token issued so far stops working now, as if it had expired or
  // been revoked at the server (sandbox control: a client must cope with a
  // 401 for a token it still thinks valid).
  void expireAll();

  int issuedCount() const;
  int refusedCount() const;

 private:
  struct Client {
    std::string clientId;
    EvpKey key;
  };
  net::HttpResponse refuse(int status, const std::string& error, const std::string& description);
  // Empty when the client assertion is good; else the invalid_client reason.
  std::string checkClientAssertion(const std::string& jws, Clock::time_point now, std::string& clientId);

  TokenEndpointOptions options_;
  SubjectTokenVerifier verifier_;
  EvpKey signingKey_;  // signs the issued bearer tokens
  mutable std::mutex mu_;
  std::map<std::string, Client> clients_;            // by kid
  std::map<std::string, Clock::time_point> seenJti_;  // jti → its exp (kept until then + skew)
  std::map<std::string, IssuedToken> issued_;        // token → what it stands for
  int issuedCount_ = 0, refusedCount_ = 0;
};

// "Bearer <token>" → the token; empty when the header is missing or another scheme.
std::string bearerFrom(const std::map<std::string, std::string>& headers);

}  // namespace reghub::kl_gateway
