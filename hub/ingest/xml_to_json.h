#pragma once
// FHIR R4 XML → the FHIR JSON form (rapidjson DOM), so one model builder
// serves both. Hardened libxml2: no network, no DTD loading, no entity
// expansion (a document with a DOCTYPE is refused: XXE, billion laughs),
// depth and size limits, invalid UTF-8 refused. Thread-safe (no global
// libxml2 state is changed).
#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace reghub::ingest {

struct XmlError {
  std::string message;  // what is wrong and how to fix it
  int line = 0;
  int column = 0;
};

// Returns false and fills `error` if the bytes are not acceptable FHIR XML.
// `longestValue`, if given, gets the byte length of the longest string put
// into `out` (a value, id or url attribute, a narrative), so the caller can
// check FHIR's 1 MB string limit without walking the result.
bool xmlToFhirJson(std::string_view bytes, rapidjson::Document& out, XmlError& error, unsigned maxDepth = 64,
                   size_t* longestValue = nullptr);

}  // namespace reghub::ingest
