#pragma once
// `reghub synth` for § 140: for a generated citizen aged 18 or more, a
// course as a kommune case system sends it (CONTRACT §1 "§ 140"): the
// hospital and the supplier (Organization, SOR), the GGOP (ServiceRequest)
// with its aktionsdiagnose (Condition, SKS), a genoptræningsforløb
// (CarePlan with a § 140 category), a Fysisk træning intervention based on
// it and two contacts, plus the case system's extras the hub drops (a name
// on the GGOP's note, an identifier). Dated in the two months before
// asOf; about one adult in four. With seedMistake, always a course, with
// exactly one REH rule broken and its id recorded. Deterministic for the
// citizen; the run's rng is not drawn from, so the other registries' data
// is what it was before § 140 joined.
#include <string>
#include <vector>

#include "hub/engine/adapter.h"

namespace reghub::rehab {

void synthesizeRehab(const engine::SynthCitizen& citizen, engine::SynthRng& rng, bool seedMistake,
                     std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded);

}  // namespace reghub::rehab
