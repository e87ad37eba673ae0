#pragma once
// Pieces the API and dashboard tests share: a client with roles, and an
// inbound citizen whose SMDB forløb is whole (a keep case of the SMDB rule
// tests, its ids, CPR and kommune replaced).
#include <set>
#include <string>

#include "hub/api/api_client.h"

namespace reghub::testing {

api::ApiClient apiClient(std::string name, std::string token, std::set<api::Role> roles,
                         std::set<std::string> kommuner = {});

// A whole SMDB forløb (anmodning … afslutning) of a citizen managed by
// `kommune`; `patient` makes the resource ids unique.
std::string smdbCitizen(const std::string& patient, const std::string& cpr, const std::string& kommune);

}  // namespace reghub::testing
