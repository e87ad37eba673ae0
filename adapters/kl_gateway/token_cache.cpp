#include "adapters/kl_gateway/token_cache.h"

#include <algorithm>

namespace reghub::kl_gateway {

TokenCache::TokenCache(TokenCacheOptions options) : options_(std::move(options)) {}

bool TokenCache::usable(const Entry& e, Clock::time_point now) const {
  return e.haveToken && now < e.refreshAt;
}

TokenFetch TokenCache::get(const std::string& audience, const Fetch& fetch) {
  std::unique_lock<std::mutex> lock(mu_);
  Entry& e = entries_[audience];  // std::map: references stay valid
  for (;;) {
    const Clock::time_point now = options_.now();
    if (usable(e, now)) return TokenFetch::ok(e.token);
    if (now < e.rejectedUntil) return e.lastRejection;
    if (!e.fetching) break;
    // Someone else is fetching: wait for that one fetch and share its result.
    const uint64_t seen = e.generation;
    done_.wait(lock, [&] { return e.generation != seen; });
    return e.lastResult;
  }
  e.fetching = true;
  ++fetches_;
  lock.unlock();
  TokenFetch result;
  try {
    result = fetch();
  } catch (...) {
    lock.lock();
    e.fetching = false;
    e.lastResult = TokenFetch::retry(0, "token fetch failed with an exception");
    ++e.generation;
    done_.notify_all();
    throw;
  }
  lock.lock();
  e.fetching = false;
  if (result.outcome == AuthOutcome::kOk) {
    e.haveToken = true;
    e.token = result.token;
    // Refresh `refreshMargin` early, but never later than half-way through a
    // token shorter-lived than twice the margin (or every call would fetch).
    const Clock::time_point fetched = options_.now();
    const auto half = (e.token.expires - fetched) / 2;
    e.refreshAt = e.token.expires - std::min<Clock::duration>(options_.refreshMargin, half);
  } else if (result.outcome == AuthOutcome::kRejected) {
    e.lastRejection = result;
    e.rejectedUntil = options_.now() + options_.rejectedHold;
  }
  e.lastResult = result;
  ++e.generation;
  done_.notify_all();
  return result;
}

void TokenCache::invalidate(const std::string& audience, const std::string& tokenValue) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = entries_.find(audience);
  if (it != entries_.end() && it->second.haveToken && it->second.token.value == tokenValue) it->second.haveToken = false;
}

int TokenCache::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace reghub::kl_gateway
