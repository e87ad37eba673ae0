#pragma once
// The rule a rejected or dead message is grouped under (GET /status's
// problems by rule, the dashboard's "Hvorfor ikke leveret"): derived from
// its answer text once, when the store records it (messages.last_rule,
// migration 15), so the counters of migration 13 hold a few rows per rule
// instead of one per answer text (texts carry keys and attempt counts).
#include <optional>
#include <string>

#include "hub/store/message_state.h"

namespace reghub::store {

// The rule a registry's answer names ("SMDB-TILB-03 [3-TILB]: …" →
// "SMDB-TILB-03"); else its first line, shortened; "(no reason given)".
std::string ruleOf(const std::string& detail);
// Why a message is dead, without the message-specific parts (the key it
// depends on, the last answer).
std::string deadReason(const std::string& detail);
// rejected: ruleOf; dead: deadReason; any other state: none.
std::optional<std::string> detailRule(MessageState state, const std::string& detail);

}  // namespace reghub::store
