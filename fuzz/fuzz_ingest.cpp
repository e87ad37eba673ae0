// libFuzzer target: arbitrary bytes through one reader of hub/ingest and
// the model builder. Any crash, hang, leak or sanitizer report is a bug;
// bad input must only ever produce diagnostics.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hub/ingest/ingest.h"

namespace {
class Discard final : public reghub::ingest::Observer {
 public:
  void onCitizen(reghub::model::Citizen&&) override {}
};
class CountingSink final : public reghub::diag::Sink {
 public:
  void report(reghub::diag::Diagnostic) override {}
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Discard observer;
  CountingSink sink;
  const reghub::diag::Reporter reporter(sink);
  reghub::ingest::Limits limits;
  limits.maxDocumentBytes = 1 << 20;
  reghub::ingest::Ingestor ingestor(observer, reporter, limits);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string_view format = REGHUB_FUZZ_FORMAT;
  const char* contentType = format == "xml"      ? "application/fhir+xml"
                            : format == "ndjson" ? "application/fhir+ndjson"
                                                 : "application/fhir+json";
  ingestor.readBuffer("fuzz", bytes, contentType);
  ingestor.finish();
  return 0;
}
