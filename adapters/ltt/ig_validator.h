#pragma once
// The KL LTT IG validator: checks a KLGatewayLTTDeliveryReport or
// KLGatewayLTTIncrementalDelivery Bundle as it stands, the way FK Gateway
// would on receipt — core R4 validity (adapters/kl_gateway/core_validator.h), the profiles'
// constraints (profiles/ltt/ltt-constraints.json), the invariants, the
// report rules (one citizen, references resolve inside the report), SDS's
// CPR receipt check and the reporting period. Every rule id of RULES.md.
// The same validator runs on inbound KL bundles (validate), on every
// outbound report (render) and in the sandbox. Pure, no I/O, thread-safe.
#include <rapidjson/fwd.h>

#include <functional>
#include <string>
#include <vector>

#include "adapters/kl_gateway/core_validator.h"
#include "adapters/ltt/ltt_data.h"
#include "adapters/ltt/ltt_validator.h"
#include "hub/diag/reporter.h"
#include "hub/model/date.h"

namespace reghub::ltt {

// Remembers what a citizen's earlier reports were found clean in, so the
// resources re-sent in each daily report (the Patient, a forløb's CarePlan)
// are checked once: the core walk and a resource's profile checks depend
// only on its JSON (and a Patient's CPR check on the report day, so a
// Patient found clean against one day is clean against every later day);
// an identical resource that passed once passes again, while one that
// reported anything is checked in every report, as before. The
// report-level rules (references, one citizen, periods) run for every report.
// It is also the sink the reports' diagnostics go through: it counts them
// (that is how it sees "clean") and passes them on to `next`; validateReport
// uses it only when its reporter reports to it. Holds pointers into the
// reports: they must outlive it. Not thread-safe; one per citizen.
class ReportMemo final : public diag::Sink {
 public:
  explicit ReportMemo(diag::Sink& next) : next_(next) {}
  void report(diag::Diagnostic d) override {
    ++reported_;
    next_.report(std::move(d));
  }

 private:
  friend class IgValidator;
  struct Checked {
    const rapidjson::Value* resource;
    std::string profile;
    model::Date day;  // the day its CPR was checked against
  };
  bool checked(const rapidjson::Value& r, const std::string& profile, const model::Date& day) const;

  diag::Sink& next_;
  size_t reported_ = 0;
  kl_gateway::CleanResources core_;
  std::vector<Checked> checked_;  // found clean by their profile's checks
};

class IgValidator {
 public:
  explicit IgValidator(const LttData& data) : data_(data), core_(data.core(), kCoreRules) {}

  // Dispatches on klBundleKind; a document of neither kind is reported as
  // LTT-DR-05 (not a KL LTT bundle).
  void validateDocument(const rapidjson::Value& doc, const IgOptions& opt, const diag::Reporter& out) const;
  // With `memo` (whose sink `out` reports to; otherwise it is not used), a
  // resource found clean in an earlier report of the same citizen is not
  // checked again; the diagnostics are the same as without it.
  void validateReport(const rapidjson::Value& bundle, const IgOptions& opt, const diag::Reporter& out,
                      const EntryReporter& entryReporter = {}, bool checkCore = true, ReportMemo* memo = nullptr) const;
  void validateIncremental(const rapidjson::Value& bundle, const IgOptions& opt, const diag::Reporter& out) const;

  // Only the profile constraints of one resource (exposed for tests).
  void checkConstraints(const rapidjson::Value& resource, const Profile& profile, const diag::Reporter& out) const;

 private:
  void checkResource(const rapidjson::Value& r, const std::string& profileId, const IgOptions& opt,
                     const std::string& reportDay, const diag::Reporter& out) const;
  const LttData& data_;
  kl_gateway::CoreValidator core_;
};

}  // namespace reghub::ltt
