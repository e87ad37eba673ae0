#pragma once
// `reghub synth` for LTT: for a generated citizen aged 5–17 (LTT's target
// group), an LTT forløb as a kommune case system would send it — the forløb
// CarePlan, a henvisning, and contacts whose treatments carry the
// user-interface codes (terminology.json uiTermMapping) — dated from
// 2026-03 on (so some activity falls before the reporting start). With
// seedMistake, exactly one rule is broken in a contact or the forløb from
// 2026-04-01 on, and its rule id is recorded. Deterministic for the rng.
#include <string>
#include <vector>

#include "hub/engine/adapter.h"

namespace reghub::ltt {

void synthesizeLtt(const engine::SynthCitizen& citizen, engine::SynthRng& rng, bool seedMistake,
                   std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded);

}  // namespace reghub::ltt
