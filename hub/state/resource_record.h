#pragma once
// One inbound resource as the hub holds it for a citizen: its FHIR JSON and
// what ties it to its citizen, with references already resolved to
// canonical keys against its own Bundle when it arrived (a fullUrl means
// nothing outside its Bundle). Used by the spill file of a stateless run and
// by the delivery store's citizen state. A value type.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace reghub::state {

struct ResourceRecord {
  std::string type;                     // resourceType
  std::string key;                      // canonical "Type/id" (or the fullUrl when it has no id)
  std::string patientKey;               // canonical key of the Patient it names; empty when none
  std::vector<std::string> parentKeys;  // forløb it may hang on (EpisodeOfCare / CarePlan keys)
  std::string orgKey;                   // managing organization; else the first Organization a kept-as-sent
                                        // resource names (loaded with the citizen by the store)
  std::vector<std::string> otherOrgKeys;  // every other Organization it names (a GGOP's requester beside
                                          // its performer): loaded with the citizen too
  std::string cpr;                      // Patient only: the CPR digits when valid — sensitive, never logged
  std::string lastUpdated;              // meta.lastUpdated as sent (empty = none)
  std::optional<int64_t> versionId;     // numeric meta.versionId
  uint64_t arrival = 0;                 // order of arrival
  // Where it came from, for diagnostics.
  std::string file;
  int line = 0;
  std::string path, containerProfile, fullUrl;
  std::string json;                     // the resource, FHIR JSON

  const std::string& firstParent() const {
    static const std::string kNone;
    return parentKeys.empty() ? kNone : parentKeys.front();
  }
};

// The whole record as JSON (sealed as one value where it is stored), and back;
// nullopt when the text is not such a record.
std::string toJson(const ResourceRecord& r);
std::optional<ResourceRecord> recordFromJson(const std::string& json);

}  // namespace reghub::state
