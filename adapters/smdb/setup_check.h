#pragma once
// `reghub check smdb --config FILE`: proves an SMDB setup without sending
// data — the function certificate (loads, not expired), a NemLog-in STS
// token (its subject and expiry are printed, never the token), then
// TokenTest WhoAmI (who SMDB thinks we are) and Echo. Every failure names
// the likely cause and the setting to change, in Danish and English
// (hintFor). Does network I/O; throws config::ConfigError for unreadable
// or wrong files (exit 78).
#include <ostream>
#include <string>

namespace reghub::smdb {

class SmdbAdapter;

bool checkSetup(const SmdbAdapter& adapter, std::ostream& out);

// What an error text from the STS, SMDB or TLS most likely means, and what
// to do — empty when nothing more specific than the text itself is known.
std::string hintFor(const std::string& error);

}  // namespace reghub::smdb
