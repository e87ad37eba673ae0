#pragma once
// The § 140 adapter's own view of a citizen (CONTRACT §1 "§ 140"): the
// citizen's kept-as-sent resources (model::Citizen::resources — the hub's
// typed forløb model has no ServiceRequest or Condition, and an IG's
// reports carry the sender's own shapes) classified by the IG's profiles,
// cut down to what those profiles permit, with stable UUIDs.
//
// A citizen is § 140 when it has a ServiceRequest coded as the GGOP
// (ServiceTypes140), a CarePlan with a CarePlanCategories140 category, or
// a CarePlan with an activity code of KLTrainingInterventionsFSIII. Its §
// 140 resources are those, the Encounters and CarePlans that hang on them,
// the Conditions they refer to (and FSIII tilstande of Conditions140), the
// Organizations they name, and the Patient.
//
// Pure: no I/O, thread-safe. Problems of the input are for the validator;
// what the profiles do not permit is dropped here, said as an info.
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/rehab/rehab_data.h"
#include "hub/diag/reporter.h"
#include "hub/model/citizen.h"

namespace reghub::rehab {

struct ViewResource {
  std::string key;      // the source's canonical "Type/id"
  std::string type;
  std::string profile;  // profile id it is reported as
  std::string id;       // outbound id: the source id when a UUID, else a v5 UUID of SOR + key
  std::shared_ptr<rapidjson::Document> doc;  // the outbound resource (meta.profile set, references outbound)
  std::vector<std::string> refs;             // source keys it refers to
  std::optional<model::Date> changed;        // Copenhagen day of meta.lastUpdated, else of its event time
  bool fresh = true;                         // new or changed in this run (delivery store)
  model::SourceRef source;
};

// What a kommune setting decides where the IG is open (settings.h).
enum class EnteredInErrorFocus { kOmit, kWithhold };

struct ViewOptions {
  EnteredInErrorFocus enteredInErrorFocus = EnteredInErrorFocus::kOmit;
};

class RehabView {
 public:
  // `notes`: where dropped elements are said (info); null: silently.
  RehabView(const model::Citizen& citizen, const RehabData& data, ViewOptions options, const diag::Reporter* notes);

  bool isRehab() const { return !resources_.empty() && hasContent_; }
  const ViewResource* citizen() const { return citizen_; }
  // Every § 140 resource but the Patient, in the order the citizen's resources came.
  const std::vector<const ViewResource*>& content() const { return content_; }
  const ViewResource* find(const std::string& key) const;

 private:
  void select(const model::Citizen& citizen, const RehabData& data);
  ViewResource make(const model::Resource& r, const std::string& profile, const std::string& sor) const;
  void prune(ViewResource& v, const RehabData& data, const diag::Reporter* notes, const model::Citizen& c) const;
  void rewriteReferences();

  ViewOptions options_;
  std::map<std::string, ViewResource> resources_;  // by source key
  std::vector<const ViewResource*> content_;
  const ViewResource* citizen_ = nullptr;
  bool hasContent_ = false;
};

// Did the resource arrive inside a KL report of this IG (by the Bundle's meta.profile)?
bool fromKlReport(const model::SourceRef& src);

// The outbound id of a source resource: its id when that is a lower-case
// UUID, else a name-based (v5) UUID of the SOR code and the source key.
std::string outboundId(const std::string& sor, const std::string& key);

}  // namespace reghub::rehab
