#pragma once
// An SMDB record's fields (an IndsaetData part, a HentData record, a skema
// typed into SMDB-web) as the form the rules read: each value typed as its
// field declares. Pure; thread-safe.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/smdb/field_table.h"
#include "adapters/smdb/hent_data.h"
#include "hub/model/citizen.h"

namespace reghub::smdb {

struct IncomingSkema {
  Skema skema = Skema::kAnm;
  std::vector<std::pair<std::string, std::string>> fields;  // Variabelnavn → wire text
};

// nullopt and `why` when a value is not of its field's XML Schema type (the
// web service refuses it before any rule).
std::optional<model::FormResponse> typedForm(const IncomingSkema& in, const std::string& identifier,
                                             const FieldTable& table, std::string& why);

// The records of one sag as a citizen (CPR, name, gender from the
// anmodning) with one forløb keyed `forloebKey`, each form identified
// "rec-<SmdbId>" ("ny-<i>" for a record not yet stored). False and `why`
// when a value cannot be read.
bool sagAsCitizen(const std::vector<const SmdbRecord*>& records, const std::string& forloebKey,
                  const FieldTable& table, model::Citizen& out, std::string& why);

}  // namespace reghub::smdb
