#pragma once
// The dashboard's tables, built from what the status API reads
// (api::StatusView, api::RegistryState, the store's history): Danish
// headers and the domain's terms. Pure: no I/O.
#include <string>
#include <vector>

#include "hub/api/registry_state_report.h"
#include "hub/api/status_view.h"
#include "hub/dashboard/table.h"

namespace reghub::dashboard {

// "venter", "afvist", "død", … (the message states in Danish).
std::string stateDa(store::MessageState state);

// Registry × kommune: godkendt / afvist / død / venter (pending, sending,
// retry-wait) / erstattet — the sums of /status's counts.
Table overviewTable(const api::StatusView& view);
// Rejections, dead messages and validation problems by rule; a rule links to its page.
Table problemsTable(const api::StatusView& view);
// Dead messages per registry × kommune.
Table deadTable(const api::StatusView& view);
Table parkedTable(const std::vector<store::ParkedResource>& parked);
Table tasksTable(const api::RegistryState& state);
Table foreignTable(const api::RegistryState& state);
// One forløb's messages and every state change, oldest first.
Table timelineTable(const std::vector<store::Transition>& history);
// The groups of one rule per kommune (rows: kommune, count).
Table ruleTable(const std::vector<std::pair<std::string, store::RejectionGroup>>& perKommune);

// The heading a table has on its page ("Parkerede ressourcer"), by its name.
std::string headingOf(const std::string& tableName);

// /dashboard/regel?register=R&kilde=S&regel=X
std::string ruleLink(const store::RejectionGroup& g);
std::string forloebLink(const std::string& key);

}  // namespace reghub::dashboard
