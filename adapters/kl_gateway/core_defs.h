#pragma once
// The R4 core element definitions (profiles/fhir-r4/core.json, generated
// from the official R4 definitions by tools/gen_fhir_r4_core.py), resolved
// once at load into a graph a validator walks without a string lookup per
// element. CoreDefs::load throws std::runtime_error on a missing or
// malformed file or an element of an unknown type; afterwards immutable and
// thread-safe.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/kl_gateway/pattern.h"

namespace reghub::kl_gateway {

struct ElementDef {
  std::string name;                // "value" for value[x]
  std::vector<std::string> types;  // >1: choice element
  bool choice = false;
  bool many = false;
  int min = 0;
};
struct PrimitiveDef {
  std::string name;  // "dateTime"
  std::string json;  // boolean | integer | number | string
  std::optional<Pattern> regex;
  std::optional<long long> min;
  bool calendar = false;
  // The simplest R4 regexes, checked without std::regex (every string of
  // every report is checked): set from the name when the index is built.
  enum class Fast { kNone, kString, kUri, kCode, kId };
  Fast fast = Fast::kNone;
};

// The definitions resolved once, at load, into a graph the validator walks
// without a string lookup per element: each element points at its type.
struct CoreType;
struct CoreTarget {
  std::string suffix;                  // choice elements: "DateTime" of valueDateTime; else empty
  const CoreType* complex = nullptr;   // complex target (aliases resolved)
  const PrimitiveDef* primitive = nullptr;
  bool anyResource = false;            // "Resource": dispatch on resourceType
};
struct CoreElement {
  std::string name;  // "value" for value[x]
  bool choice = false, many = false;
  int min = 0;
  std::vector<CoreTarget> targets;             // one unless choice
  std::string bindingPath;                     // "CarePlan.status" for primitive elements
  const std::set<std::string>* binding = nullptr;  // its required codes, if any
};
struct CoreType {
  enum class Kind { kPlain, kOpaque, kExtension, kPeriod, kCarePlanActivity };
  std::string name;
  Kind kind = Kind::kPlain;
  bool isResource = false;
  std::vector<CoreElement> elements;
  // The element a JSON member name denotes (choice: by type suffix), or null.
  const CoreElement* find(std::string_view member, const CoreTarget** target) const;
};

// A constraint an R4 type defines (FHIRPath text as in the R4 snapshot).
struct CoreInvariant {
  std::string context, key, severity, human, expression;
};

struct CoreDefs {
  std::map<std::string, std::vector<ElementDef>> types;  // type / backbone path -> elements
  std::map<std::string, std::string> aliases;
  std::set<std::string> opaque;
  std::set<std::string> resourceTypes;
  std::map<std::string, PrimitiveDef> primitives;
  std::map<std::string, std::set<std::string>> bindings;  // "CarePlan.status" -> codes
  std::vector<CoreInvariant> invariants;
  const ElementDef* find(const std::string& type, std::string_view member, std::string* choiceType) const;

  // The resolved graph (built by index() after loading; node-stable, so the
  // pointers survive moving the CoreDefs).
  std::map<std::string, CoreType, std::less<>> graph;
  const CoreType* resourceType(std::string_view name) const;
  void index();

  // Reads profiles/fhir-r4/core.json (or a file of its format).
  static CoreDefs load(const std::string& file);
};

}  // namespace reghub::kl_gateway
