#pragma once
// The code systems' displays of an IG's terminology.json ("codeSystems":
// {url: {concepts: [{code, display}]}} and the value sets' expansions), for
// the display agreement every KL IG asks of a bound Coding (§ 140's
// REH-TERM-01): `display`, when present, should be the code system's. Kept
// apart from Terminology (memberOf needs no displays). Loaded once at
// start-up (throws std::runtime_error on a missing or malformed file);
// immutable and thread-safe afterwards.
#include <rapidjson/fwd.h>

#include <map>
#include <string>
#include <string_view>

#include "hub/diag/reporter.h"

namespace reghub::kl_gateway {

// The validator-level rule of a display that is not the code system's; an IG's rules.json names its own rule for it.
inline constexpr const char* kRuleDisplay = "KLGW-DISPLAY";

class CodeDisplays {
 public:
  static CodeDisplays load(const std::string& terminologyFile);
  // The code system's display of system#code; null when the terminology has none.
  const std::string* display(std::string_view system, std::string_view code) const;
  size_t size() const { return displays_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> displays_;  // "system|code" → display
};

// Every Coding in `doc` (system, code and display given) whose system#code
// has a display that `display` is not — compared as the HL7 validator does,
// ignoring case and runs of white space — is a KLGW-DISPLAY warning at its
// path below `out`. Displays are terminology text, never personal data: the
// expected one is quoted, the sent one is not.
void checkDisplays(const rapidjson::Value& doc, const CodeDisplays& displays, const diag::Reporter& out);

}  // namespace reghub::kl_gateway
