#pragma once
// The § 140 adapter's view of a citizen (CONTRACT §1 "§ 140"): the shared
// kl_gateway::IgView (pruning to the profiles, stable UUIDs, references)
// over the § 140 selection made here.
//
// A citizen is § 140 when it has a ServiceRequest coded as the GGOP
// (ServiceTypes140), a CarePlan with a CarePlanCategories140 category, or
// a CarePlan with an activity code of KLTrainingInterventionsFSIII. Its §
// 140 resources are those, the Encounters and CarePlans that hang on them,
// the Conditions they refer to (and FSIII tilstande of Conditions140), the
// Organizations they name, and the Patient. Each gets its profile: a
// Condition a GGOP gives as reasonReference, or with an SKS-D coding, is a
// fokustilstand; a CarePlan with a category is an indsatsforløb, else a
// planlagt indsats. An entered-in-error fokustilstand is omitted or kept as
// rehab.focusCondition.enteredInError says (RULES.md note 3).
//
// Pure: no I/O, thread-safe.
#include "adapters/kl_gateway/ig_view.h"
#include "adapters/rehab/rehab_data.h"
#include "hub/diag/reporter.h"
#include "hub/model/citizen.h"

namespace reghub::rehab {

using kl_gateway::ViewResource;

// What a kommune setting decides where the IG is open (settings.h).
enum class EnteredInErrorFocus { kOmit, kWithhold };

struct ViewOptions {
  EnteredInErrorFocus enteredInErrorFocus = EnteredInErrorFocus::kOmit;
};

// `notes`: where dropped elements are said (info); null: silently. Empty when the citizen has no § 140 data.
kl_gateway::IgView rehabView(const model::Citizen& citizen, const RehabData& data, ViewOptions options,
                             const diag::Reporter* notes);

// Whether rehabView would not be empty, without building it: a seed among
// the citizen's resources (each seed is selected) and a Patient.
bool hasRehabView(const model::Citizen& citizen, const RehabData& data);

// Did the resource arrive inside a KL report of this IG (by the Bundle's meta.profile)?
bool fromKlReport(const model::SourceRef& src);

}  // namespace reghub::rehab
