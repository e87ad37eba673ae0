#include "hub/store/message_state.h"

#include <array>
#include <utility>

namespace reghub::store {

namespace {
constexpr std::array<std::pair<MessageState, std::string_view>, 7> kNames = {{
    {MessageState::kPending, "pending"},
    {MessageState::kSending, "sending"},
    {MessageState::kAccepted, "accepted"},
    {MessageState::kRejected, "rejected"},
    {MessageState::kRetryWait, "retry-wait"},
    {MessageState::kDead, "dead"},
    {MessageState::kSuperseded, "superseded"},
}};
}  // namespace

std::string_view toString(MessageState s) {
  for (const auto& [state, name] : kNames)
    if (state == s) return name;
  return "unknown";
}

std::optional<MessageState> parseMessageState(std::string_view text) {
  for (const auto& [state, name] : kNames)
    if (name == text) return state;
  return std::nullopt;
}

bool isAllowedTransition(MessageState from, MessageState to) {
  using S = MessageState;
  switch (from) {
    case S::kPending:
    case S::kRetryWait:
      return to == S::kSending || to == S::kSuperseded || to == S::kDead;
    case S::kSending:
      return to == S::kAccepted || to == S::kRejected || to == S::kRetryWait || to == S::kDead || to == S::kPending;
    case S::kRejected:
    case S::kDead:
      return to == S::kPending;
    case S::kAccepted:
    case S::kSuperseded:
      return false;
  }
  return false;
}

bool isFinal(MessageState s) {
  return s == MessageState::kAccepted || s == MessageState::kRejected || s == MessageState::kDead ||
         s == MessageState::kSuperseded;
}

}  // namespace reghub::store
