#pragma once
// SAML tokens from an STS per audience, shared by every worker of a
// process: one STS call per token lifetime, not per message (the rules are
// SingleFlightCache's). A permanent failure (the STS refused our
// certificate or audience) is answered from memory for minReissueInterval,
// so a misconfiguration costs one STS call, not one per message. Thread-safe.
#include <chrono>
#include <functional>
#include <string>

#include "hub/security/single_flight_cache.h"
#include "hub/security/ws_trust.h"

namespace reghub::security {

using TokenFetcher = std::function<TokenOutcome(const std::string& audience)>;
using Clock = std::function<std::chrono::system_clock::time_point()>;

struct TokenCacheOptions {
  std::chrono::seconds refreshMargin{300};
  // invalidate() is ignored for a token younger than this: a service that
  // refuses a fresh token refuses our credentials, and asking the STS again
  // for every message would be a retry storm.
  std::chrono::seconds minReissueInterval{60};
  Clock clock;  // empty = system_clock::now
};

class TokenCache {
 public:
  TokenCache(TokenFetcher fetch, TokenCacheOptions options);
  // A valid token for `audience`, or why there is none.
  TokenOutcome get(const std::string& audience);
  // The service refused the token with id `tokenId` (expired, revoked):
  // forget it so the next get() fetches a new one. False when it was not
  // forgotten (another token is cached already, or it is too young).
  bool invalidate(const std::string& audience, const std::string& tokenId);
  // How many times the fetcher was called (tests, metrics).
  size_t fetches() const { return cache_.fetches(); }

 private:
  struct Traits {
    static bool ok(const TokenOutcome& r) { return r.ok(); }
    static bool permanent(const TokenOutcome& r) { return r.permanent; }
    static std::chrono::system_clock::time_point expires(const TokenOutcome& r) { return r.token->info.notOnOrAfter; }
    static std::string id(const TokenOutcome& r) { return r.token->info.id; }
    static TokenOutcome failure(std::string what) { return TokenOutcome{std::nullopt, std::move(what), false}; }
  };
  TokenFetcher fetch_;
  Clock clock_;
  SingleFlightCache<TokenOutcome, Traits> cache_;
};

}  // namespace reghub::security
