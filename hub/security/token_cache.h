#pragma once
// Tokens per audience, shared by every worker of a process: one STS call
// per token lifetime, not per message. Single-flight — when N workers ask
// at once and no valid token is cached, one of them fetches and the others
// wait for that result (a failure included, so a broken STS is asked once,
// not N times). A token is refreshed `refreshMargin` before it expires
// (at most half its lifetime); while a refresh fails, a still-valid
// token keeps being used. A permanent failure (the STS refused our
// certificate or audience) is answered from memory for minReissueInterval,
// so a misconfiguration costs one STS call, not one per message. Thread-safe.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

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
  size_t fetches() const;

 private:
  struct Entry {
    std::optional<IssuedToken> token;
    bool fetching = false;
    uint64_t generation = 0;  // counts finished fetches
    TokenOutcome lastFailure;
    std::chrono::system_clock::time_point failedAt{};
  };
  std::chrono::system_clock::time_point now() const;
  bool fresh(const IssuedToken& t, std::chrono::system_clock::time_point now) const;

  TokenFetcher fetch_;
  TokenCacheOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> entries_;
  size_t fetches_ = 0;
};

}  // namespace reghub::security
