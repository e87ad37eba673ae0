// libFuzzer: SMDB's HentData layout (adapters/smdb/hent_data.h) — any bytes as
// an answer to every record action and both lists, as a request, and as an
// IndsaetData payload whose ids are bound at send time. Every input ends as
// records, entries or a reason — never a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/smdb/hent_data.h"
#include "adapters/smdb/soap_transport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  std::string error;
  for (const auto& a : reghub::smdb::recordActions()) (void)reghub::smdb::parseHentRecords(a.name, in, error);
  (void)reghub::smdb::parseHentList(reghub::smdb::kHentAlleTilbud, in, error);
  (void)reghub::smdb::parseHentList(reghub::smdb::kHentLandeliste, in, error);
  if (const auto q = reghub::smdb::parseHentRequest(in, error))
    (void)reghub::smdb::hentRecordsResponse(q->action, {});
  (void)reghub::smdb::bindRegistryIds(in, [](const std::string& k) -> std::optional<std::string> { return k; }, error);
  (void)reghub::smdb::mainPartFields(in);
  return 0;
}
