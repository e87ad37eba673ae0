#pragma once
// FHIR R4 facts the reader checks before anything is decoded: which
// resource types exist (profiles/fhir-r4/resource-types.txt, compiled in by
// hub/ingest/CMakeLists.txt) and how long a FHIR string may be. Pure, no
// I/O, thread-safe.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reghub::ingest {

// R4 'string' datatype: "Strings SHALL NOT exceed 1MB in size" (1,048,576 bytes).
inline constexpr size_t kMaxFhirStringBytes = size_t{1} << 20;

// Every R4 resource type, sorted.
const std::vector<std::string_view>& r4ResourceTypes();
bool isR4ResourceType(std::string_view type);
// The R4 type a misspelt one most likely meant ("Patinet" → "Patient",
// "patient" → "Patient"), or "" if none is close.
std::string closestR4ResourceType(std::string_view type);

// A JSON member whose FHIR type is not 'string' or one of its
// specialisations, so the 1 MB limit does not apply: base64Binary
// (Attachment/Binary/Signature.data, Attachment.hash, AuditEvent.entity.query,
// Device.udiCarrier.carrierAIDC, value[x] as …Base64Binary) and xhtml
// (Narrative.div). By name, from the R4 JSON schema: the one other `data`
// (SampledData.data, a string) is not checked either.
bool isUnlimitedStringElement(std::string_view name);

}  // namespace reghub::ingest
