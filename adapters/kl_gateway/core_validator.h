#pragma once
// Core FHIR R4 validity of one resource as JSON (rules.structure, LTT's
// LTT-CORE-01: known elements, cardinality, types, primitive formats,
// required core bindings; rules.invariants, LTT-CORE-02: the R4 invariants
// ele-1, ext-1, per-1, dom-2..5, cpl-3, bdl-1..5/7..12 — in C++ still: the
// R4 snapshots' FHIRPath for them is not yet evaluated by hub/fhirpath).
// Each KL Gateway adapter names the two rule ids its RULES.md gives them. Definitions come from profiles/fhir-r4/core.json (generated from the
// official R4 definitions, tools/gen_fhir_r4_core.py) and
// cover the types that may appear in KL Gateway reports; other resource
// types are not checked here (the report rules reject them). Pure, no I/O,
// thread-safe.
#include <rapidjson/fwd.h>

#include <cstddef>
#include <vector>

#include "adapters/kl_gateway/core_defs.h"
#include "hub/diag/reporter.h"

namespace reghub::kl_gateway {

// Resources already walked and found valid, so an identical one met again
// (the Patient re-sent in each of a citizen's daily reports, a forløb's
// CarePlan in every report of its contacts) is not walked again: the core
// walk of a resource depends on nothing but its JSON, so an identical
// resource gives the same (no) diagnostics — only their paths would differ.
// Identical means equal as JSON text would be: the same members in the same
// order, the same values (jsonIdentical). Holds pointers to the resources:
// they must outlive it. Not thread-safe; one per walk or citizen.
class CleanResources {
 public:
  // Whether a resource identical to `r` was remembered.
  bool contains(const rapidjson::Value& r) const;
  void remember(const rapidjson::Value& r) { seen_.push_back(&r); }

 private:
  std::vector<const rapidjson::Value*> seen_;
};

// `a` and `b` are the same JSON: same types, members in the same order,
// equal strings and numbers (by their JSON type: 1 and 1.0 differ).
bool jsonIdentical(const rapidjson::Value& a, const rapidjson::Value& b);

// A reporter plus a path suffix, turned into a diag::Reporter only when a
// problem is reported (most elements have none). A child Where keeps only a
// view of its own segment and a pointer to its parent, so the full path is
// put together only for a diagnostic and narrowing allocates nothing: a
// child must not outlive its parent or its segment's text (they are JSON
// member names and literals, and Wheres live on the validator's call
// stack). Why not diag::Reporter, now that it narrows by parent link too: a
// Reporter that is narrowed further makes its step a shared node (one
// allocation, so children may outlive it); the core walk narrows every
// element, and a Where costs none.
class Where {
 public:
  Where(const diag::Reporter& base, std::string path) : base_(&base), root_(std::move(path)), reported_(&count_) {}
  // A walk that skips what `clean` holds and adds to it (CoreValidator).
  Where(const diag::Reporter& base, std::string path, CleanResources* clean) : Where(base, std::move(path)) {
    clean_ = clean;
  }
  Where(const Where&) = delete;
  Where& operator=(const Where&) = delete;
  // Appends `seg` verbatim (".fullUrl").
  Where at(std::string_view seg) const { return Where(this, seg, false, -1); }
  // Appends ".name" (a JSON member name).
  Where member(std::string_view name) const { return Where(this, name, true, -1); }
  // Appends "[i]".
  Where item(size_t i) const { return Where(this, {}, false, static_cast<long>(i)); }
  void error(const char* rule, const std::string& message) const {
    base_->at(path()).error(rule, "", message);
    ++*reported_;
  }
  std::string path() const;
  // How many problems this walk (the root Where and every child) has reported.
  size_t reported() const { return *reported_; }
  CleanResources* clean() const { return clean_; }

 private:
  Where(const Where* parent, std::string_view seg, bool dot, long index)
      : base_(parent->base_), parent_(parent), seg_(seg), dot_(dot), index_(index), reported_(parent->reported_),
        clean_(parent->clean_) {}
  void appendTo(std::string& out) const;
  const diag::Reporter* base_;
  const Where* parent_ = nullptr;
  std::string root_;      // the root's path
  std::string_view seg_;  // a child's segment
  bool dot_ = false;
  long index_ = -1;
  size_t count_ = 0;          // the root's count
  size_t* reported_;          // the root's count_
  CleanResources* clean_ = nullptr;
};

// The rule ids a core problem is reported under.
struct CoreRules {
  const char* structure;   // "LTT-CORE-01"
  const char* invariants;  // "LTT-CORE-02"
};

class CoreValidator {
 public:
  CoreValidator(const CoreDefs& defs, CoreRules rules) : defs_(defs), rules_(rules) {}
  // `out` carries the path of the resource (e.g. "Bundle/x.entry[1].resource").
  void validateResource(const rapidjson::Value& resource, const diag::Reporter& out) const;
  // The same, skipping every resource below the root (a Bundle entry's, a
  // contained one) identical to one in `clean`, and adding to `clean` each
  // such resource that it walked and found valid. Reports exactly what the
  // call above reports.
  void validateResource(const rapidjson::Value& resource, const diag::Reporter& out, CleanResources& clean) const;

 private:
  void validateResourceAt(const rapidjson::Value& resource, const Where& out) const;
  void validateNested(const rapidjson::Value& resource, const Where& out) const;
  void validateComplex(const rapidjson::Value& v, const CoreType& type, const Where& out) const;
  void validateTarget(const rapidjson::Value& v, const CoreElement& e, const CoreTarget& t, const Where& out) const;
  void validatePrimitiveHolder(const rapidjson::Value& v, std::string_view name, const Where& out) const;
  void validatePrimitive(const rapidjson::Value& v, const PrimitiveDef& p, const CoreElement& e,
                         const Where& out) const;
  void typeInvariants(const rapidjson::Value& v, const CoreType& type, const Where& out) const;
  void resourceInvariants(const rapidjson::Value& r, const std::string& type, const Where& out) const;
  void bundleInvariants(const rapidjson::Value& b, const Where& out) const;
  const CoreDefs& defs_;
  CoreRules rules_;
};

}  // namespace reghub::kl_gateway
