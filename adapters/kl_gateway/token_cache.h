#pragma once
// FK Gateway access tokens per audience, shared by every delivery worker of
// a process (the rules are security::SingleFlightCache's): one fetch per
// lifetime, refreshed `refreshMargin` early so a PUT never goes out with one
// about to lapse; a rejected fetch (bad credentials) is remembered for
// `rejectedHold`, so there is no retry storm against the token endpoint.
// Thread-safe. Does no I/O itself; the fetch function does.
#include <functional>
#include <string>

#include "adapters/kl_gateway/access_token.h"
#include "hub/security/single_flight_cache.h"

namespace reghub::kl_gateway {

struct TokenCacheOptions {
  std::chrono::milliseconds refreshMargin{60000};
  std::chrono::milliseconds rejectedHold{60000};
  std::function<Clock::time_point()> now = [] { return Clock::now(); };  // tests move time
};

class TokenCache {
 public:
  using Fetch = std::function<TokenFetch()>;
  explicit TokenCache(TokenCacheOptions options = {});

  // A usable token for `audience`, fetching one (once, for every waiting
  // caller) when none is cached or it is within the refresh margin.
  TokenFetch get(const std::string& audience, const Fetch& fetch) { return cache_.get(audience, fetch); }
  // The server refused `tokenValue` (a 401): drop it so the next get()
  // fetches a new one — unless another caller already replaced it.
  void invalidate(const std::string& audience, const std::string& tokenValue) {
    cache_.invalidate(audience, tokenValue);
  }
  // How many fetches have run (tests, metrics).
  int fetches() const { return static_cast<int>(cache_.fetches()); }

 private:
  struct Traits {
    static bool ok(const TokenFetch& r) { return r.outcome == AuthOutcome::kOk; }
    static bool permanent(const TokenFetch& r) { return r.outcome == AuthOutcome::kRejected; }
    static Clock::time_point expires(const TokenFetch& r) { return r.token.expires; }
    static std::string id(const TokenFetch& r) { return r.token.value; }
    static TokenFetch failure(std::string what) { return TokenFetch::retry(0, std::move(what)); }
  };
  security::SingleFlightCache<TokenFetch, Traits> cache_;
};

}  // namespace reghub::kl_gateway
