#pragma once
// What the outbox tells an operator (hub/log): a message the registry
// rejected (warning), a message given up on (error) — one line each, naming
// the message, never its content — and retries summarised: at most one line
// per registry per `summaryMillis` with how many attempts were retried since
// and the last reason, instead of one line per attempt (a registry down for
// an hour would otherwise write thousands).
// Thread-safe (the workers share one).
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "hub/store/delivery_store.h"

namespace reghub::engine {

class DeliveryLog {
 public:
  explicit DeliveryLog(int64_t summaryMillis = 60'000) : summaryMillis_(summaryMillis) {}
  // One recorded outcome.
  void outcome(const store::ClaimedMessage& claimed, const store::AttemptOutcome& outcome, int64_t now);
  // Waiting messages that died with a predecessor (store::failBlockedDependents).
  void deadDependents(size_t count);

 private:
  struct Retries {
    int64_t since = 0, lastLine = 0;
    uint64_t count = 0;
    std::string lastDetail;
  };
  void retried(const store::ClaimedMessage& claimed, const store::AttemptOutcome& outcome, int64_t now);

  const int64_t summaryMillis_;
  std::mutex mu_;
  std::map<std::string, Retries> retries_;  // per registry
};

}  // namespace reghub::engine
