#pragma once
// The value sets a KL Gateway IG binds, with their expansions, from the IG's
// terminology.json (profiles/<ig>/terminology.json: "valueSets": [{url,
// expansion: [{system, code}]}]). Loaded once at start-up (throws
// std::runtime_error on a missing or malformed file); immutable and
// thread-safe afterwards.
#include <rapidjson/fwd.h>

#include <string>
#include <string_view>

#include "adapters/kl_gateway/text_hash.h"

namespace reghub::kl_gateway {

class Terminology {
 public:
  static Terminology load(const std::string& file);
  bool has(std::string_view valueSet) const;
  bool contains(std::string_view valueSet, std::string_view system, std::string_view code) const;
  // FHIRPath memberOf(): a code, a Coding (system + code) or a CodeableConcept
  // (one of its codings) in the value set.
  bool memberOf(const rapidjson::Value& node, std::string_view valueSet) const;
  size_t size() const { return codes_.size(); }

 private:
  // url (without "|version") -> "system|code"; a code alone is looked up in `bare_`.
  TextMap<TextSet> codes_;
  TextMap<TextSet> bare_;
};

// "http://x/ValueSet/y|2.2.0" -> "http://x/ValueSet/y".
std::string_view canonicalWithoutVersion(std::string_view url);

}  // namespace reghub::kl_gateway
