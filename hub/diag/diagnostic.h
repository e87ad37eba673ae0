#pragma once
// A problem found in the data (CONTRACT §4). Value type; rendering to the
// JSON line and the text line lives here so every command prints the same.
#include <string>
#include <string_view>

namespace reghub::diag {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };

std::string_view toString(Severity s);

struct Diagnostic {
  std::string registry = "hub";  // "hub" for HUB-… rules, else the adapter name
  Severity severity = Severity::kError;
  std::string rule;     // e.g. "SMDB-IVAER-07", "HUB-INGEST-01"
  std::string field;    // spec field id, e.g. "4-IVÆR"; empty if none
  std::string file;     // as given on the command line, or "-"
  int line = 0;         // 1-based; 0 = unknown
  int column = 0;       // 1-based; 0 = unknown
  std::string path;     // element path, e.g. "QuestionnaireResponse/qr-17.item[4]"
  std::string forloeb;  // "EpisodeOfCare/ep-9"
  std::string citizen;  // ALWAYS masked (model::maskCpr) — never a full CPR
  std::string message;  // what is wrong and what to change
};

// One JSON object, no trailing newline (CONTRACT §4 key order).
std::string toJsonLine(const Diagnostic& d);
// One line for a person: "file:line: error SMDB-IVAER-07 [4-IVÆR] forløb … : message".
std::string toTextLine(const Diagnostic& d);

}  // namespace reghub::diag
