#pragma once
// The SMDB business rules (shared/reference/smdb/RULES.md), in three
// levels. Each reports diagnostics with the rule id, the felt-id, where in
// the input (the QuestionnaireResponse and item) and a Danish message
// that says what to change. Pure: no I/O, never throws for bad data.
#include <set>
#include <string>
#include <vector>

#include "adapters/smdb/field_table.h"
#include "adapters/smdb/forloeb_view.h"
#include "adapters/smdb/municipalities.h"
#include "adapters/smdb/settings.h"
#include "hub/diag/reporter.h"

namespace reghub::smdb {

struct RuleContext {
  const FieldTable& table;
  const Municipalities& kommuner;
  const Settings& settings;
  model::Date asOf;
  const std::set<std::string>* tilbudIds = nullptr;  // TILB-13 list: HentAlleTilbud, else smdb.tilbudList
  const std::set<std::string>* landeKoder = nullptr;  // GEN-10: HentLandeliste, if read
};

// Per field and across the fields of one skema: type, code list, range,
// length, date windows, 'Vises …' and required conditions, code conditions.
void checkFields(const ForloebView& v, const RuleContext& ctx, const diag::Reporter& out);

// Across the skemaer of one kontaktforløb: date order, one iværksættelse
// per anmodning, tilknytninger, substitution overlap, afslutning, KvalHep.
void checkForloeb(const ForloebView& v, const RuleContext& ctx, const diag::Reporter& out);

// Across the forløb of one citizen in one kommune (one active kontaktforløb).
// `out` carries the citizen; each diagnostic gets its forløb set here.
void checkCitizen(const std::vector<ForloebView>& views, const RuleContext& ctx, const diag::Reporter& out);

// Where a diagnostic about a form (and optionally one answer) points.
diag::Reporter atForm(const diag::Reporter& out, const model::FormResponse& form, const model::Answer* answer = nullptr);

// Substitution types of 8-TILB (6.1.4).
bool isSubstitution(const std::string& behandlingType);

}  // namespace reghub::smdb
