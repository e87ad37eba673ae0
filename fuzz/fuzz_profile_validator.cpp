// libFuzzer: raw bytes as JSON → the § 140 profile validator (profiles/rehab
// with its parents, the generated R4 core). Any document must end as
// diagnostics — never a crash, an exception, a hang or unbounded memory
// (conformsTo() recursion, reference cycles, nested bundles included).
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>

#include "adapters/kl_gateway/profile_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const reghub::kl_gateway::ProfileValidator validator(reghub::kl_gateway::ProfileSet::load(
      std::vector<std::string>{REGHUB_SOURCE_DIR "/profiles/rehab/ig", REGHUB_SOURCE_DIR "/profiles/rehab/parents"},
      REGHUB_SOURCE_DIR "/profiles/rehab/terminology.json", REGHUB_SOURCE_DIR "/profiles/fhir-r4/core.json"));
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseStopWhenDoneFlag>(reinterpret_cast<const char*>(data), size);
  if (doc.HasParseError()) return 0;
  reghub::diag::Collector sink;
  validator.validate(doc, reghub::diag::Reporter(sink, "rehab"));
  return 0;
}
