#pragma once
// Access tokens per audience, shared by every delivery worker of a process:
// - single flight: M threads asking at once for a missing or stale token
//   cause one fetch; the others wait for it and get its result;
// - a token is refreshed `refreshMargin` before it expires (at the latest
//   half-way through its life), so a PUT never goes out with one about to lapse;
// - a rejected fetch (bad credentials) is remembered for `rejectedHold`:
//   callers in that time get the same answer without asking the server again
//   (no retry storm against the token endpoint); a transient failure is not
//   remembered (the outbox spaces the retries).
// Thread-safe. Does no I/O itself; the fetch function does.
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "adapters/kl_gateway/access_token.h"

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
  TokenFetch get(const std::string& audience, const Fetch& fetch);
  // The server refused `tokenValue` (a 401): drop it so the next get()
  // fetches a new one — unless another caller already replaced it.
  void invalidate(const std::string& audience, const std::string& tokenValue);
  // How many fetches have run (tests, metrics).
  int fetches() const;

 private:
  struct Entry {
    bool fetching = false;
    bool haveToken = false;
    AccessToken token;
    Clock::time_point refreshAt{};
    TokenFetch lastRejection;
    Clock::time_point rejectedUntil{};
    uint64_t generation = 0;  // bumped by every finished fetch
    TokenFetch lastResult;
  };
  bool usable(const Entry& e, Clock::time_point now) const;

  TokenCacheOptions options_;
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::map<std::string, Entry> entries_;
  int fetches_ = 0;
};

}  // namespace reghub::kl_gateway
