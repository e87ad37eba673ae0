#pragma once
// Checks a parsed document is FHIR R4 before it is decoded: every resource
// type is an R4 one (the document, and each Bundle entry's resource, nested
// Bundles too), and no FHIR string is over 1 MB. A problem here makes the
// document unreadable (HUB-INGEST-04, HUB-INGEST-07; docs/DIAGNOSTICS.md):
// it is not FHIR, so nothing of it is used. Internal to hub/ingest. Pure,
// thread-safe; never throws for bad input.
#include <rapidjson/fwd.h>

#include <string>
#include <vector>

namespace reghub::ingest {

struct DocumentProblem {
  std::string rule;
  std::string path;  // "Bundle.entry[2].resource", "" for the document itself
  std::string message;
};

// Resource types that are missing or not R4 (the document's own type is
// known to be a string; the caller checks that first).
std::vector<DocumentProblem> checkResourceTypes(const rapidjson::Value& root);

// Strings (and member names) over kMaxFhirStringBytes, except base64Binary
// and xhtml elements. Walks the whole DOM, so the reader calls it only when
// parsing saw a string that long.
std::vector<DocumentProblem> findOversizedStrings(const rapidjson::Value& root);

}  // namespace reghub::ingest
