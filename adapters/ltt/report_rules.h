#pragma once
// The LTT rules no StructureDefinition states, run beside the profiles
// (ltt_validator.h):
//   LTT-DR-05  a document that is no KL LTT bundle; an entry claiming a
//              profile outside the IG
//   LTT-DR-07  a subject / basedOnCarePlan / henvisning basedOn that does not
//              resolve inside the report (the profiles check what a resolved
//              reference points to)
//   LTT-DR-08  a CarePlan whose meta.profile names neither CarePlan profile
//   LTT-CP-04, LTT-REF-04, LTT-ENC-07  subject present (R4 1..1 for a
//              CarePlan, which the profiles do not restate; the IG's text for
//              an Encounter)
//   LTT-CIT-03 no X-/D-eCPR identifier (DK-core's slices by system, with the
//              D-eCPR systems a value set of DK-core not in the extract)
//   LTT-CIT-05 SDS's CPR receipt check (LTT-SEI-01)
//   LTT-PER-01..04  the reporting period (warnings)
//   LTT-CP-03, LTT-CP-09, LTT-REF-03, LTT-ENC-06  the IG's prose status advice (warnings)
//   LTT-ENC-11 an extension the IG does not define (warning)
//   LTT-TERM-01 a display other than the code system's (warning)
// Pure, no I/O, thread-safe.
#include <rapidjson/fwd.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/ltt/ltt_data.h"
#include "hub/diag/reporter.h"
#include "hub/model/date.h"

namespace reghub::ltt {

enum class KlBundleKind { kNone, kDeliveryReport, kIncrementalDelivery };

// By meta.profile (the KL profile urls); kNone for anything else.
KlBundleKind klBundleKind(const rapidjson::Value& doc);

struct IgOptions {
  model::Date reportingStart;  // LTT-PER-*: first reportable day (2026-04-01)
  model::Date asOf;            // "today": CPR birth date plausibility when the report has no timestamp
  // The hub's own report: the period was applied when selecting, so LTT-PER-03
  // (an old forløb without new activity) is not repeated for a changed forløb.
  bool outbound = false;
};

// Narrows the reporter for one entry (outbound: adds the forløb it belongs to).
using EntryReporter = std::function<diag::Reporter(size_t entryIndex, const diag::Reporter& entryOut)>;

// The masked CPR of the report's citizen ("" if none), for the diagnostics' citizen field.
std::string maskedCitizen(const rapidjson::Value& bundle);

// A required binding of a profile (from its StructureDefinition): the
// element's steps below the resource ("activity", "detail", "code"; a choice
// as "value[x]") and the value set's id.
struct BoundElement {
  std::vector<std::string> steps;
  std::string valueSet;
};
using Bindings = std::map<std::string, std::vector<BoundElement>, std::less<>>;  // by profile id

class ReportRules {
 public:
  ReportRules(const LttData& data, Bindings bindings) : data_(data), bindings_(std::move(bindings)) {}
  // `out` is at the report; entries are reported at ".entry[i]…" (narrowed by `entryReporter`).
  void checkReport(const rapidjson::Value& bundle, const IgOptions& opt, const diag::Reporter& out,
                   const EntryReporter& entryReporter = {}) const;
  // An IncrementalDelivery: each DeliveryReport it holds.
  void checkIncremental(const rapidjson::Value& bundle, const IgOptions& opt, const diag::Reporter& out) const;

 private:
  void checkCitizen(const rapidjson::Value& r, const std::string& reportDay, const IgOptions& opt,
                    const diag::Reporter& out) const;
  void checkCarePlan(const rapidjson::Value& r, std::string_view profileId, const diag::Reporter& out) const;
  void checkEncounter(const rapidjson::Value& r, const diag::Reporter& out) const;
  void checkDisplays(const rapidjson::Value& v, std::string_view profileId, const diag::Reporter& out) const;
  const LttData& data_;
  Bindings bindings_;
};

}  // namespace reghub::ltt
