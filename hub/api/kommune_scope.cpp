#include "hub/api/kommune_scope.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <map>

#include "hub/ingest/ingest.h"
#include "hub/util/strings.h"

namespace reghub::api {

namespace {

constexpr std::string_view kMunicipalitySystem = "http://hl7.dk/fhir/core/CodeSystem/dk-core-municipality-codes";

// Problems in the data are the real ingest's to report; this pass only looks.
class Silent final : public diag::Sink {
 public:
  void report(diag::Diagnostic) override {}
};

class RecordCollector final : public ingest::Observer {
 public:
  bool collectsResources() const override { return true; }
  void onCitizen(model::Citizen&&) override {}
  void onResource(state::ResourceRecord&& r) override { records.push_back(std::move(r)); }
  std::vector<state::ResourceRecord> records;
};

class CitizenCollector final : public ingest::Observer {
 public:
  void onCitizen(model::Citizen&& c) override { citizens.push_back(std::move(c)); }
  std::vector<model::Citizen> citizens;
};

// The municipality code an Organization resource names, or empty.
std::string organizationKommune(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return {};
  const auto ids = d.FindMember("identifier");
  if (ids == d.MemberEnd() || !ids->value.IsArray()) return {};
  for (const auto& id : ids->value.GetArray()) {
    if (!id.IsObject()) continue;
    const auto system = id.FindMember("system"), value = id.FindMember("value");
    if (system != id.MemberEnd() && system->value.IsString() && system->value.GetString() == kMunicipalitySystem &&
        value != id.MemberEnd() && value->value.IsString())
      return value->value.GetString();
  }
  return {};
}

std::string listed(const std::set<std::string>& kommuner) {
  std::string out;
  for (const auto& k : kommuner) out += (out.empty() ? "" : ", ") + k;
  return out;
}

std::optional<std::string> organizationRefusal(const std::vector<state::ResourceRecord>& records,
                                               const std::set<std::string>& kommuner, const char* which) {
  for (const auto& r : records) {
    if (r.type != "Organization") continue;
    const std::string code = organizationKommune(r.json);
    if (!code.empty() && !kommuner.count(code))
      return r.key + " " + which + " kommune " + code + ", outside this client's kommuner (" + listed(kommuner) + ")";
  }
  return std::nullopt;
}

std::optional<std::string> citizenRefusal(const model::Citizen& c, const std::set<std::string>& kommuner) {
  if (c.forloeb.empty())
    return "citizen " + c.maskedCpr() +
           " has no forløb, so its kommune cannot be told: send the citizen with its forløb (EpisodeOfCare / "
           "CarePlan with managingOrganization)";
  for (const auto& f : c.forloeb) {
    const std::string code = f.municipality ? f.municipality->municipalityCode : std::string();
    if (code.empty())
      return "forløb " + f.display() + " of citizen " + c.maskedCpr() +
             " names no kommune (managingOrganization with a municipality code)";
    if (!kommuner.count(code))
      return "forløb " + f.display() + " of citizen " + c.maskedCpr() + " is in kommune " + code +
             ", outside this client's kommuner (" + listed(kommuner) + ")";
  }
  return std::nullopt;
}

std::optional<std::string> refusal(std::string_view bytes, std::string_view contentType,
                                   const std::set<std::string>& kommuner, store::CitizenState& state) {
  Silent silent;
  const diag::Reporter reporter(silent);
  RecordCollector body;
  ingest::Ingestor in(body, reporter);
  in.readBuffer("body", bytes, contentType);
  in.finish();
  if (in.unreadable() && body.records.empty()) return std::nullopt;  // nothing would be stored: a 400
  store::HeldContext held = state.heldContext(body.records);
  if (!held.unresolved.empty())
    return held.unresolved.front() +
           " names a Patient or forløb the hub does not hold: a kommune-scoped client sends the Patient and its "
           "forløb with (or before) the resources that name them";
  if (auto r = organizationRefusal(body.records, kommuner, "names")) return r;
  if (auto r = organizationRefusal(held.records, kommuner, "is held for")) return r;
  // What the store holds, with the body's versions in place of the held ones.
  std::map<std::string, state::ResourceRecord> joined;
  for (auto& r : held.records) joined[r.key] = std::move(r);
  for (auto& r : body.records) joined[r.key] = std::move(r);
  std::vector<state::ResourceRecord> all;
  std::set<std::string> keys;
  for (auto& [k, r] : joined) {
    keys.insert(k);
    all.push_back(std::move(r));
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.arrival < b.arrival; });
  CitizenCollector citizens;
  ingest::assembleRecords(all, keys, reporter, citizens);
  for (const auto& c : citizens.citizens)
    if (auto r = citizenRefusal(c, kommuner)) return r;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> scopeRefusal(std::string_view bytes, std::string_view contentType,
                                        const std::set<std::string>& kommuner, store::CitizenState& state) {
  auto r = refusal(bytes, contentType, kommuner, state);
  if (r) r = util::maskDigitRuns(std::move(*r));
  return r;
}

}  // namespace reghub::api
