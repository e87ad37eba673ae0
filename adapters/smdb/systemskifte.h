#pragma once
// Systemskifte model 2, the new system's side (Vejledning om systemskifte,
// sections 1 and 4; SMDB-SYS-06): a forløb still active on the
// systemskiftedato D is re-registered from the new system with start date
// D+1 on anmodning, iværksættelse and the open tilknytninger; tilknytninger
// ended on or before D stay with the old system; a forløb afsluttet on or
// before D is not reported again. Pure; no I/O.
#include <optional>

#include "adapters/smdb/settings.h"
#include "hub/model/citizen.h"

namespace reghub::smdb {

// Model 2, the old system's side (SYS-05, and SYS-07 with D = 31 December):
// every case active on D is closed on D — open tilknytninger get 4-TILB = D,
// the afslutning 1-AFSL = D with 3-AFSL = 10 (Anden) and the text
// 'Systemskifte'; tilknytninger (and an iværksættelse) starting after D
// belong to the new system; a forløb with 2-ANM after D is not reported.
enum class SkifteOutcome { kUnchanged, kReRegistered, kLeftWithOldSystem, kClosed, kLeftWithNewSystem };

// Applies model 2 to a copy of the forløb. kLeftWithOldSystem: do not report.
SkifteOutcome applySystemskifte(const Settings& settings, model::Forloeb& forloeb);

}  // namespace reghub::smdb
