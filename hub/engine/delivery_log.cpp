#include "hub/engine/delivery_log.h"

#include "hub/log/log.h"

namespace reghub::engine {

namespace {

// A registry's answer, shortened: enough to tell the cause (the log masks CPR digits).
std::string shortened(const std::string& detail) {
  return detail.size() > 300 ? detail.substr(0, 297) + "..." : detail;
}

log::Fields messageFields(const store::ClaimedMessage& c, const store::AttemptOutcome& o) {
  return {{"registry", c.message.registry}, {"messageId", c.id},           {"kind", c.message.kind},
          {"kommune", c.message.kommune},   {"attempt", c.attempt},        {"httpStatus", o.httpStatus},
          {"detail", shortened(o.detail)}};
}

}  // namespace

void DeliveryLog::outcome(const store::ClaimedMessage& c, const store::AttemptOutcome& o, int64_t now) {
  switch (o.next) {
    case store::MessageState::kRejected:
      log::warning("delivery rejected by the registry", messageFields(c, o));
      break;
    case store::MessageState::kDead:
      log::error("delivery given up (dead)", messageFields(c, o));
      break;
    case store::MessageState::kRetryWait:
      retried(c, o, now);
      break;
    default:
      break;
  }
}

void DeliveryLog::retried(const store::ClaimedMessage& c, const store::AttemptOutcome& o, int64_t now) {
  std::lock_guard lock(mu_);
  Retries& r = retries_[c.message.registry];
  if (r.count == 0) r.since = now;
  ++r.count;
  r.lastDetail = o.detail;
  if (r.lastLine != 0 && now - r.lastLine < summaryMillis_) return;
  log::warning("deliveries are being retried", {{"registry", c.message.registry},
                                                {"retries", static_cast<int64_t>(r.count)},
                                                {"sinceMs", now - r.since},
                                                {"lastDetail", shortened(r.lastDetail)}});
  r.lastLine = now;
  r.count = 0;
}

void DeliveryLog::deadDependents(size_t count) {
  if (count == 0) return;
  log::error("deliveries given up (dead): a message they depend on ended rejected or dead",
             {{"messages", count}});
}

}  // namespace reghub::engine
