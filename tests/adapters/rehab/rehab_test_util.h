#pragma once
// Helpers of the § 140 adapter's tests: the real ingest + pipeline with the
// rehab adapter in process (as `reghub translate --registry rehab` runs).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hub/diag/diagnostic.h"
#include "hub/engine/adapter.h"

namespace reghub::rehab::test {

std::string sourceDir();
std::string sharedDir();

struct TranslateResult {
  std::vector<engine::OutboundMessage> messages;
  std::vector<diag::Diagnostic> diagnostics;
  int errors = 0, warnings = 0;
};

// `settings`: rehab.* keys (e.g. rehab.focusCondition.enteredInError).
TranslateResult translate(const std::vector<std::string>& paths, const std::string& asOf,
                          const std::optional<std::string>& since = std::nullopt,
                          const std::map<std::string, std::string>& settings = {});

// The diagnostics' "severity rule" lines, one per line, for failure messages.
std::string show(const std::vector<diag::Diagnostic>& ds);
bool hasRule(const std::vector<diag::Diagnostic>& ds, const std::string& rule, diag::Severity s);

}  // namespace reghub::rehab::test
