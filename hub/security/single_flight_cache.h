#pragma once
// The one token cache behind both registries' tokens (the NemLog-in SAML
// token of security::TokenCache, FK Gateway's access token of
// kl_gateway::TokenCache): per audience, shared by every worker of a
// process, so a token costs one fetch per lifetime, never one per message.
//   - single flight: while one caller fetches, the others wait for that
//     result (a failure included, so a broken server is asked once, not N
//     times);
//   - refreshed `refreshMargin` before it expires, at the latest half-way
//     through its life; while a refresh fails, a still-valid token keeps
//     being used;
//   - a permanent failure (the server refused our credentials) is answered
//     from memory for `failureHold`: a misconfiguration costs one call;
//   - invalidate(): the service refused the token; forgotten unless another
//     one has replaced it or it is younger than `minReissue` (a service
//     refusing a brand-new token refuses our credentials, and asking again
//     for every message would be a storm).
// Thread-safe. Does no I/O itself; the fetch function does. A fetch that
// throws counts as a transient failure.
//
// Traits<Result> tells what a fetch result is:
//   static bool ok(const Result&);          static bool permanent(const Result&);
//   static time_point expires(const Result&); static std::string id(const Result&);
//   static Result failure(std::string what); // transient
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace reghub::security {

struct SingleFlightOptions {
  std::chrono::milliseconds refreshMargin{300'000};
  std::chrono::milliseconds failureHold{60'000};
  std::chrono::milliseconds minReissue{0};
  std::function<std::chrono::system_clock::time_point()> now;  // empty = system_clock::now (tests move time)
};

template <typename Result, typename Traits>
class SingleFlightCache {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  using Fetch = std::function<Result()>;

  explicit SingleFlightCache(SingleFlightOptions options) : options_(std::move(options)) {}

  Result get(const std::string& audience, const Fetch& fetch) {
    std::unique_lock<std::mutex> lock(mu_);
    Entry& e = entries_[audience];  // std::map: references stay valid
    for (;;) {
      const TimePoint t = now();
      if (e.token && t < e.refreshAt) return *e.token;
      if (!valid(e, t) && e.failure && Traits::permanent(*e.failure) && t < e.failedUntil) return *e.failure;
      if (!e.fetching) break;
      // Someone else is fetching: wait for that result instead of asking too.
      const uint64_t seen = e.generation;
      done_.wait(lock, [&] { return e.generation != seen; });
      if (valid(e, now())) return *e.token;
      return e.failure ? *e.failure : Traits::failure("token fetch failed");
    }
    e.fetching = true;
    ++fetches_;
    lock.unlock();
    Result result = fetchGuarded(fetch);
    lock.lock();
    e.fetching = false;
    ++e.generation;
    const TimePoint t = now();
    if (Traits::ok(result)) {
      e.token = result;
      e.fetchedAt = t;
      const auto expires = Traits::expires(result);
      e.refreshAt = expires - std::min<std::chrono::system_clock::duration>(options_.refreshMargin, (expires - t) / 2);
    } else {
      e.failure = result;
      e.failedUntil = t + options_.failureHold;
    }
    done_.notify_all();
    if (!Traits::ok(result) && valid(e, t)) return *e.token;  // a failed refresh: the old one still works
    return result;
  }

  bool invalidate(const std::string& audience, const std::string& tokenId) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = entries_.find(audience);
    if (it == entries_.end() || !it->second.token || Traits::id(*it->second.token) != tokenId) return false;
    if (now() - it->second.fetchedAt < options_.minReissue) return false;
    it->second.token.reset();
    return true;
  }

  size_t fetches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return fetches_;
  }

 private:
  struct Entry {
    std::optional<Result> token;  // the last good fetch
    TimePoint fetchedAt{}, refreshAt{};
    std::optional<Result> failure;  // the last failed fetch
    TimePoint failedUntil{};
    bool fetching = false;
    uint64_t generation = 0;  // counts finished fetches
  };

  TimePoint now() const { return options_.now ? options_.now() : std::chrono::system_clock::now(); }
  static bool valid(const Entry& e, TimePoint t) { return e.token && t < Traits::expires(*e.token); }

  static Result fetchGuarded(const Fetch& fetch) {
    try {
      return fetch();
    } catch (const std::exception& ex) {
      return Traits::failure(std::string("token fetch failed: ") + ex.what());
    } catch (...) {
      return Traits::failure("token fetch failed");
    }
  }

  SingleFlightOptions options_;
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::map<std::string, Entry> entries_;
  size_t fetches_ = 0;
};

}  // namespace reghub::security
