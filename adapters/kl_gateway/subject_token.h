#pragma once
// Where the SAML assertion exchanged at the token endpoint comes from: KOMBIT
// STS (WS-Trust 1.3 Issue, SOAP 1.2, with the kommune's CVR as a claim),
// through hub/security's WS-Trust client. An interface so the exchange and
// the cache can be tested and reused by every KL Gateway adapter.
#include <string>

#include "adapters/kl_gateway/access_token.h"

namespace reghub::kl_gateway {

struct SubjectToken {
  std::string assertionXml;   // the saml:Assertion element as received (a secret: never logged)
  Clock::time_point expires;  // its NotOnOrAfter
};

struct SubjectTokenResult {
  AuthOutcome outcome = AuthOutcome::kRetry;
  SubjectToken token;
  std::string error;  // the STS's fault text, or the transport failure
};

// Implementations must be thread-safe; each call is one STS request.
class SubjectTokenSource {
 public:
  virtual ~SubjectTokenSource() = default;
  virtual SubjectTokenResult issue() = 0;
};

}  // namespace reghub::kl_gateway
