#pragma once
// The SMDB sandbox's judgement of one call: the records a call writes, put
// together with what the sandbox holds into the sag as it would stand, and
// the same rules as the hub run over it (one active kontaktforløb per citizen
// in a kommune across every sag, those made "in SMDB-web" too). Used by
// sandbox.cpp for IndsaetData and for records a test puts in by the web form.
// Not thread-safe (the sandbox holds its lock); no network.
#include <optional>
#include <string>
#include <vector>

#include "adapters/smdb/field_table.h"
#include "adapters/smdb/municipalities.h"
#include "adapters/smdb/record_form.h"
#include "adapters/smdb/rules.h"
#include "adapters/smdb/sandbox_records.h"

namespace reghub::smdb {

// The errors of the rules over the sag `changes` make (records with an
// empty smdbId are new; `sagId` empty: a new sag), judged against
// `held` (every record the sandbox holds of that citizen). Empty: accepted.
// `why` is set instead when a change cannot be read at all.
std::vector<diag::Diagnostic> judgeSag(const std::vector<SandboxRecord>& changes, const std::string& sagId,
                                       const std::vector<SandboxRecord>& held, const RuleContext& rc,
                                       std::string& why);

}  // namespace reghub::smdb
