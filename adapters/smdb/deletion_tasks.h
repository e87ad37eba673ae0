#pragma once
// Manual deletions (SMDB-GEN-14; Kravspecifikation 5.1): system-to-system
// cannot delete, so a forløb or skema withdrawn at the source
// (entered-in-error) that SMDB holds becomes a task for SMDB-web — each
// record to delete, latest information first: the afslutning, ydelse,
// indskrivning, tilknytninger (latest first), KvalHep, iværksættelse,
// anmodning. (The Vejledning's 3.2 lists KvalHep last, but Kravspecifikation
// 6.1.3 / SMDB-IVAER-24 forbid deleting an iværksættelse before its KvalHep.)
// A task closes when a sync no longer finds its records. Pure; thread-safe.
#include <vector>

#include "adapters/smdb/field_table.h"
#include "adapters/smdb/held_sager.h"
#include "hub/delivery/registry_record.h"
#include "hub/model/citizen.h"

namespace reghub::smdb {

std::vector<delivery::ManualTask> deletionTasks(const model::Citizen& citizen, const std::vector<HeldSag>& held,
                                                const FieldTable& table);

// The steps that delete these records in SMDB-web, in order.
std::vector<delivery::TaskStep> deletionSteps(std::vector<const delivery::RegistryRecord*> records);

// The order records are deleted in SMDB-web (lower first).
int deletionRank(const std::string& kind);

}  // namespace reghub::smdb
