#include "adapters/kl_gateway/token_cache.h"

namespace reghub::kl_gateway {

namespace {

security::SingleFlightOptions flightOptions(const TokenCacheOptions& o) {
  security::SingleFlightOptions f;
  f.refreshMargin = o.refreshMargin;
  f.failureHold = o.rejectedHold;
  f.minReissue = std::chrono::milliseconds::zero();  // a 401 always refreshes once (the deliverer asks once)
  f.now = o.now;
  return f;
}

}  // namespace

TokenCache::TokenCache(TokenCacheOptions options) : cache_(flightOptions(options)) {}

}  // namespace reghub::kl_gateway
