#pragma once
// The states of a stored message and the moves between them
// (ARCHITECTURE.md "Delivery tracking"):
//
//   pending ─► sending ─► accepted                     (final)
//                  │  ├─► rejected   (registry's reason; final until replay)
//                  │  ├─► retry-wait ─► sending … ─► dead (final until replay)
//                  │  └─► pending    (lease expired: worker died; graceful stop)
//   pending/retry-wait ─► superseded (a newer content for the same key came)
//   pending/retry-wait ─► dead       (a message it depends on ended rejected/dead)
//   rejected/dead ─► pending         (reghub replay)
//
// Pure functions; thread-safe.
#include <optional>
#include <string_view>

namespace reghub::store {

enum class MessageState { kPending, kSending, kAccepted, kRejected, kRetryWait, kDead, kSuperseded };

std::string_view toString(MessageState s);  // "pending", "retry-wait", …
std::optional<MessageState> parseMessageState(std::string_view text);
bool isAllowedTransition(MessageState from, MessageState to);
bool isFinal(MessageState s);  // accepted, rejected, dead, superseded

}  // namespace reghub::store
