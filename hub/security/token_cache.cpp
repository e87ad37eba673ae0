#include "hub/security/token_cache.h"

namespace reghub::security {

namespace {

SingleFlightOptions flightOptions(const TokenCacheOptions& o) {
  SingleFlightOptions f;
  f.refreshMargin = o.refreshMargin;
  f.failureHold = o.minReissueInterval;
  f.minReissue = o.minReissueInterval;
  f.now = o.clock;
  return f;
}

}  // namespace

TokenCache::TokenCache(TokenFetcher fetch, TokenCacheOptions options)
    : fetch_(std::move(fetch)), clock_(options.clock), cache_(flightOptions(options)) {}

TokenOutcome TokenCache::get(const std::string& audience) {
  return cache_.get(audience, [this, &audience] {
    TokenOutcome outcome = fetch_(audience);
    if (outcome.ok()) outcome.token->fetchedAt = clock_ ? clock_() : std::chrono::system_clock::now();
    return outcome;
  });
}

bool TokenCache::invalidate(const std::string& audience, const std::string& tokenId) {
  return cache_.invalidate(audience, tokenId);
}

}  // namespace reghub::security
