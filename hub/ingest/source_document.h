#pragma once
// A top-level input document as read (a Bundle or a single resource),
// before it is unpacked into the model. XML input is converted to the FHIR
// JSON form first, so adapters see one representation.
#include <rapidjson/fwd.h>

#include <string>

namespace reghub::ingest {

struct SourceDocument {
  const rapidjson::Value* root = nullptr;  // valid only during the callback
  std::string file;                        // as given on the command line, or "-"
  int line = 0;                            // NDJSON line / first line of the document
};

}  // namespace reghub::ingest
