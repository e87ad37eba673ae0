#pragma once
// Evaluates a FHIRPath expression over FHIR JSON (rapidjson), as FHIRPath
// N1 defines it for the subset in expression.h: collections in, collections
// out; empty propagates; three-valued and/or/xor/implies; equality of
// collections item by item. Choice elements are found by their prefix
// (`value` matches valueString), a path may start with the context's
// resource type (`CarePlan.activity`).
//
// Functions: empty exists all allTrue anyTrue allFalse anyFalse count
// first last tail skip take single distinct where select repeat ofType
// as is not iif hasValue children descendants union combine
// startsWith endsWith contains matches length lower upper substring
// toString toInteger trace today now extension, and three the FHIR
// validators add, answered by the Context: resolve(), memberOf(valueSet),
// conformsTo(profile).
//
// Evaluation never throws for data: a type error (a function given a
// collection of two where it needs one) is returned as an error text.
// Pure and thread-safe over an immutable document.
#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/fhirpath/expression.h"

namespace reghub::fhirpath {

// One item of a collection: a node of the document, or a value made by the
// expression (literals, results of functions and operators).
struct Item {
  enum class Kind { kNode, kBool, kInteger, kDecimal, kString, kDateTime };
  Kind kind = Kind::kNode;
  const rapidjson::Value* node = nullptr;  // kNode
  bool boolean = false;
  int64_t integer = 0;
  double decimal = 0;
  std::string string;  // kString, kDateTime (ISO text)

  static Item of(const rapidjson::Value& v) {
    Item i;
    i.node = &v;
    return i;
  }
  static Item ofBool(bool b) {
    Item i;
    i.kind = Kind::kBool;
    i.boolean = b;
    return i;
  }
  static Item ofString(std::string s) {
    Item i;
    i.kind = Kind::kString;
    i.string = std::move(s);
    return i;
  }
};
using Collection = std::vector<Item>;

// What the document alone cannot answer.
struct Context {
  // The resource a reference text points to (e.g. within the same Bundle), or null.
  std::function<const rapidjson::Value*(const std::string& reference)> resolve;
  // Is the Coding / CodeableConcept / code in the value set (canonical url)?
  std::function<bool(const rapidjson::Value& node, const std::string& valueSet)> memberOf;
  // Does the resource conform to the profile (canonical url)?
  std::function<bool(const rapidjson::Value& resource, const std::string& profile)> conformsTo;
  std::string today;  // "2026-12-01" for today()/now(); empty = the clock
};

struct Result {
  Collection items;
  std::string error;  // non-empty: the evaluation failed (a type error in the data)
  bool ok() const { return error.empty(); }
};

Result evaluate(const Expression& e, const rapidjson::Value& resource, const Context& ctx = {});

// An invariant's verdict: true/false, or nullopt with `error` set when the
// result is neither empty nor a single boolean. Empty counts as satisfied
// (FHIR: a constraint that yields no result does not fail).
std::optional<bool> invariantHolds(const Expression& e, const rapidjson::Value& resource, const Context& ctx,
                                   std::string* error = nullptr);

// The functions `e` calls that this engine does not implement, in order of
// appearance, each once (empty: every call is supported). A profile loader
// calls it once per invariant at start-up, so an invariant that could never
// be evaluated stops the start instead of passing silently.
std::vector<std::string> unsupportedFunctions(const Expression& e);

}  // namespace reghub::fhirpath
