#include "hub/security/token_cache.h"

namespace reghub::security {

TokenCache::TokenCache(TokenFetcher fetch, TokenCacheOptions options)
    : fetch_(std::move(fetch)), options_(std::move(options)) {}

std::chrono::system_clock::time_point TokenCache::now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

bool TokenCache::fresh(const IssuedToken& t, std::chrono::system_clock::time_point at) const {
  const auto lifetime = t.info.notOnOrAfter - t.fetchedAt;
  const auto margin = std::min<std::chrono::system_clock::duration>(options_.refreshMargin, lifetime / 2);
  return at < t.info.notOnOrAfter - margin;
}

TokenOutcome TokenCache::get(const std::string& audience) {
  std::unique_lock<std::mutex> lock(mu_);
  Entry& e = entries_[audience];
  for (;;) {
    const auto t = now();
    if (e.token && fresh(*e.token, t)) return TokenOutcome{e.token, {}, false};
    if (!e.token && e.lastFailure.permanent && t - e.failedAt < options_.minReissueInterval) return e.lastFailure;
    if (!e.fetching) break;
    // Someone else is fetching: wait for that result instead of asking too.
    const uint64_t gen = e.generation;
    cv_.wait(lock, [&] { return e.generation != gen; });
    if (e.token && e.token->info.notOnOrAfter > now()) return TokenOutcome{e.token, {}, false};
    return e.lastFailure;
  }
  e.fetching = true;
  ++fetches_;
  lock.unlock();
  TokenOutcome outcome;
  try {
    outcome = fetch_(audience);
  } catch (const std::exception& ex) {
    outcome.error = std::string("token fetch failed: ") + ex.what();
  }
  lock.lock();
  e.fetching = false;
  ++e.generation;
  if (outcome.ok()) {
    outcome.token->fetchedAt = now();
    e.token = outcome.token;
  } else {
    e.lastFailure = outcome;
    e.failedAt = now();
  }
  cv_.notify_all();
  // A refresh that failed while the old token is still valid: keep using it.
  if (!outcome.ok() && e.token && e.token->info.notOnOrAfter > now()) return TokenOutcome{e.token, {}, false};
  return outcome;
}

bool TokenCache::invalidate(const std::string& audience, const std::string& tokenId) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(audience);
  if (it == entries_.end() || !it->second.token || it->second.token->info.id != tokenId) return false;
  if (now() - it->second.token->fetchedAt < options_.minReissueInterval) return false;
  it->second.token.reset();
  return true;
}

size_t TokenCache::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace reghub::security
