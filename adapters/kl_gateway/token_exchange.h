#pragma once
// The RFC 8693 token exchange at FK Gateway's authorization server (Keycloak;
// shared/reference/auth/README.md B, marked inferred there — so every value
// below is a setting with these defaults):
//   POST <realm>/protocol/openid-connect/token
//   Content-Type: application/x-www-form-urlencoded
//   grant_type=urn:ietf:params:oauth:grant-type:token-exchange
//   subject_token=<base64url of the SAML assertion>
//   subject_token_type=urn:ietf:params:oauth:token-type:saml2
//   client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer
//   client_assertion=<JWS (client_assertion.h)>
// The answer's access_token, token_type and expires_in become an
// AccessToken; an OAuth error (`invalid_client`, `invalid_grant`, …) is
// rejected with the server's error_description; 408/429/5xx and transport
// failures are retry. One request per call, no retries of its own.
// Thread-safe (one request at a time per client).
#include <mutex>
#include <string>

#include "adapters/kl_gateway/access_token.h"
#include "hub/net/https_client.h"

namespace reghub::kl_gateway {

enum class SubjectTokenEncoding { kBase64Url, kBase64 };

struct TokenExchangeConfig {
  std::string tokenUrl;  // https://…/auth/realms/<realm>/protocol/openid-connect/token
  net::HttpsClientOptions tls;
  std::string grantType = "urn:ietf:params:oauth:grant-type:token-exchange";
  std::string subjectTokenType = "urn:ietf:params:oauth:token-type:saml2";
  std::string clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  SubjectTokenEncoding encoding = SubjectTokenEncoding::kBase64Url;
  std::string clientId;  // also sent as client_id when not empty (Keycloak accepts it)
  std::string audience;  // RFC 8693 `audience` parameter; empty: not sent
  // Used when the answer has no expires_in (RFC 6749 makes it optional).
  std::chrono::milliseconds assumedLifetime{60000};
};

// Parses the token endpoint's answer (status + body) as the client does.
// Pure; exposed for tests and the fuzzer.
TokenFetch classifyTokenAnswer(int status, const std::string& body, Clock::time_point now,
                               std::chrono::milliseconds assumedLifetime);

// The `sub` claim of a JWT's payload, read without checking the signature
// (for display only); empty when `token` is not a JWT.
std::string unverifiedJwtSubject(const std::string& token);

class TokenExchangeClient {
 public:
  // Throws std::invalid_argument for a non-https URL, Poco::Exception when
  // the CA file cannot be loaded.
  explicit TokenExchangeClient(TokenExchangeConfig config);

  TokenFetch exchange(const std::string& samlAssertionXml, const std::string& clientAssertion, Clock::time_point now);
  const TokenExchangeConfig& config() const { return config_; }

 private:
  TokenExchangeConfig config_;
  std::mutex mu_;
  net::HttpsClient client_;
};

}  // namespace reghub::kl_gateway
