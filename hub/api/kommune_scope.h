#pragma once
// A kommune-scoped client (api_client.h) may send only citizens whose forløb
// all lie in its kommuner. Checked before anything is stored: the body is
// read once more and joined, read-only, with what the store already holds of
// the citizens it touches (a delta names only its Patient; the forløb and
// their kommune came earlier). Refused, with the reason:
// - a forløb in another kommune, or one that names no kommune;
// - a citizen without any forløb (its kommune cannot be told);
// - a resource whose Patient or forløb the hub does not hold (it would wait
//   and could join another kommune's citizen later);
// - an Organization that names, or held, another kommune's code.
// Does I/O (the store); throws StoreError on database failure. Reasons name
// no CPR number (masked).
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "hub/store/citizen_state.h"

namespace reghub::api {

std::optional<std::string> scopeRefusal(std::string_view bytes, std::string_view contentType,
                                        const std::set<std::string>& kommuner, store::CitizenState& state);

}  // namespace reghub::api
