#pragma once
// `reghub smdb systemskifte` (Vejledning om systemskifte; SMDB-SYS-03..09):
// the switch carried out over SMDB's own list of active sager (HentData),
// not over what the hub happens to know.
// - Model 1 (history kept): each active sag's records to delete in SMDB-web,
//   back to front; afterwards the hub sends the full history from the case
//   system with the original dates (nothing blocks it once the sync no
//   longer finds the old sag).
// - Model 2 (no history): every sag active on D is closed on D — open
//   tilknytninger end D, the afslutning Anden årsag (10) with 'Systemskifte'
//   — and registered again from D+1 (anmodning, iværksættelse, the open
//   tilknytninger, KvalHep), through IndsaetData.
// - Mellemløsning: the sager begun before D stay in SMDB-web until they end;
//   they are listed so none is forgotten, and smdb.goLive = D keeps the hub's
//   copies out of automatic reporting.
// Always a plan first (text and CSV, masked CPR only) and the notice the
// kommune sends to DST (section 2). Planning is pure; carrying out sends.
#include <string>
#include <vector>

#include "adapters/smdb/field_table.h"
#include "adapters/smdb/hent_data.h"
#include "adapters/smdb/settings.h"
#include "hub/delivery/registry_record.h"
#include "hub/engine/adapter_registry.h"
#include "hub/engine/outbound_message.h"

namespace reghub::smdb {

enum class SkifteModel { kModel1, kModel2, kMellem };

struct SkifteSag {
  std::string sagId, kommune3, citizenMasked;
  model::Date anmodningsdato;
  std::vector<delivery::TaskStep> deletions;              // model 1
  std::vector<engine::OutboundMessage> closing;           // model 2: updates of the old sag
  std::vector<engine::OutboundMessage> registering;       // model 2: the new sag from D+1
  std::string problem;  // a sag the tool cannot handle (left untouched), and why
  std::string note;     // what the kommune should know (an anmodning alone is registered later)
};

struct SkiftePlan {
  SkifteModel model = SkifteModel::kModel2;
  model::Date date;
  std::vector<SkifteSag> sager;  // active on D, by SmdbId
  size_t unreadable = 0;         // records whose SmdbId is not a number: not planned, and said so
};

// The plan over one kommune's records (HentData), active on D.
SkiftePlan planSystemskifte(SkifteModel model, const model::Date& date, const std::vector<SmdbRecord>& records,
                            const FieldTable& table, const Settings& settings);

std::string planText(const SkiftePlan& plan);
// UTF-8 with BOM, ';', dates YYYY-MM-DD (a Danish Excel opens it as it is).
std::string planCsv(const SkiftePlan& plan);
// The notice to DST (Vejledning section 2): date, vendor and system, model.
std::string dstNotice(const SkiftePlan& plan, const std::string& kommune, const std::string& vendor,
                      const std::string& system);

// `reghub smdb systemskifte …` (registered as an adapter command).
// Carrying out (--yes, model 2) is recorded in the store's audit trail.
int runSystemskifteCommand(const std::vector<std::string>& args, std::ostream& out,
                           const engine::AdapterCommandServices& hub);

}  // namespace reghub::smdb
