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
bool xmlToFhirJson(std::string_view bytes, rapidjson::Document& out, XmlError& error, unsigned maxDepth = 64);

}  // namespace reghub::ingest
