#pragma once
// Runs the real ingest + pipeline with the LTT adapter in process, the way
// `reghub translate --registry ltt` does, and collects messages and diagnostics.
#include <optional>
#include <string>
#include <vector>

#include "hub/diag/diagnostic.h"
#include "hub/engine/adapter.h"
#include "hub/engine/outbound_message.h"
#include "hub/model/date.h"

namespace reghub::ltt::test {

struct TranslateResult {
  std::vector<engine::OutboundMessage> messages;
  std::vector<diag::Diagnostic> diagnostics;
  int errors = 0;
};

TranslateResult translate(const std::vector<std::string>& paths, const std::string& asOf,
                          const std::optional<std::string>& since = std::nullopt,
                          const std::string& reportingStart = "",
                          const engine::PriorDeliveries* prior = nullptr);

}  // namespace reghub::ltt::test
