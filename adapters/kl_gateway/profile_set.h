#pragma once
// A KL Gateway IG's profiles as data: the StructureDefinitions (their
// differentials) and value sets under profiles/<ig>/ig/, the expansions in
// the IG's terminology.json (profiles/rehab/, mapping/ltt/), checked against the R4 core definitions
// (profiles/fhir-r4/core.json). Loaded and checked once at start-up:
// throws std::runtime_error on an element path R4 does not know, a binding
// to a value set without expansion, a slice whose discriminator this
// validator does not implement, an invariant that does not parse or calls a
// FHIRPath function the engine lacks (named by the invariant's key).
// Immutable and thread-safe afterwards.
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/kl_gateway/core_defs.h"
#include "adapters/kl_gateway/terminology.h"
#include "adapters/kl_gateway/text_hash.h"
#include "hub/fhirpath/expression.h"

namespace reghub::kl_gateway {

// One step of an element id below the root: "entry:citizen" is entry in
// slice citizen, "deceased[x]" a choice element.
struct SliceMatch;
struct Step {
  std::string name;  // without "[x]"
  bool choice = false;
  std::string slice;
  const SliceMatch* match = nullptr;  // set at load for a slice step
  bool unchecked = false;             // the slice is a parent profile's (not loaded)
};

// How an instance is recognised as one of a slice's (from the slicing's
// discriminator and the slice's own definition).
struct SliceMatch {
  enum class Kind {
    kValue,       // the child at `path` equals `value` (value/pattern discriminators: url, system)
    kChoiceType,  // the JSON member is `member` (type discriminator on $this: deceasedBoolean)
    kProfile,     // the child at `path` conforms to one of `profiles` (profile discriminator: resource)
  };
  Kind kind = Kind::kValue;
  std::string path, value, member;
  std::vector<std::string> profiles;
};

// A profile's element paths as a tree, compiled at load: rules and
// invariants whose paths share a prefix share its nodes, so a validation
// selects each node's instances once (ProfileValidator) instead of walking
// from the resource again for every rule.
struct PathNode {
  int parent = -1;  // -1: the root (the resource itself)
  Step step;        // from the parent; selection depends on name, choice and match only
};
struct PathTree {
  std::vector<PathNode> nodes{PathNode{}};  // [0]: the root
  // The node of steps[0..n), added (with its missing ancestors) when new.
  int nodeAt(const std::vector<Step>& steps, size_t n);
};

struct TypeRule {
  std::string code;
  std::vector<std::string> profiles, targetProfiles;
  bool bundled = false;  // aggregation "bundled": the reference resolves inside the report
};

struct ElementRule {
  std::string id;            // the differential's element id ("Bundle.entry:citizen.resource")
  std::vector<Step> steps;   // below the root
  std::optional<int> min;
  std::optional<int> max;    // -1: "*"
  std::shared_ptr<const rapidjson::Document> fixed;  // fixed[x] / pattern[x] value
  bool pattern = false;
  std::string binding;       // required binding: value set url
  std::vector<TypeRule> types;
  std::optional<size_t> maxLength;  // of a string value, in characters
  // A choice element whose types the profile names: the JSON members allowed
  // ("valueCodeableConcept"); another type's member is an error.
  std::vector<std::string> choiceMembers;
  bool closedSlicing = false;  // instances must each belong to one of the slices
  std::vector<std::string> slices;  // this element's slice names (for closed slicing)
  int node = -1;  // in Profile::tree; -1: not checked (the root, or below an unchecked slice)
};

struct Invariant {
  std::string key, severity, human, elementId;
  std::vector<Step> steps;
  fhirpath::Expression expression;
  int node = -1;  // its context in the profile's tree (the core's: ProfileSet::coreTree)
};

struct Profile {
  std::string url, id, type;
  bool resource = false;  // of a resource type (not an extension's or a data type's profile)
  const Profile* base = nullptr;  // the profile it derives from, when loaded (DK-core's)
  std::string extensionUrl;  // extension definitions: the fixed Extension.url
  std::vector<ElementRule> elements;
  std::vector<Invariant> invariants;
  // "element id of the sliced element" + ":" + slice -> how to match it.
  std::map<std::string, SliceMatch> sliceMatches;
  // Rules below a slice a parent profile defines (not loaded here): not checked.
  std::vector<std::string> uncheckedSlices;
  PathTree tree;  // the nodes of `elements` and `invariants`
};

class ProfileSet {
 public:
  ProfileSet() = default;
  ProfileSet(const ProfileSet&) = delete;  // byUrl_ points into profiles_
  ProfileSet& operator=(const ProfileSet&) = delete;
  // `profilesDir` holds the IG's StructureDefinition-*.json and ValueSet-*.json
  // (profiles/<ig>/ig), `terminologyFile` their expansions, `coreFile` the
  // R4 core (profiles/fhir-r4/core.json).
  static std::shared_ptr<const ProfileSet> load(const std::string& profilesDir, const std::string& terminologyFile,
                                                const std::string& coreFile);
  // Several folders: the IG's and its parents' (profiles/rehab/parents).
  static std::shared_ptr<const ProfileSet> load(const std::vector<std::string>& profilesDirs,
                                                const std::string& terminologyFile, const std::string& coreFile);
  const Profile* find(std::string_view url) const;
  const Terminology& terminology() const { return terminology_; }
  const CoreDefs& core() const { return core_; }
  const std::map<std::string, Profile, std::less<>>& profiles() const { return profiles_; }
  // The R4 invariants of the core's resource types evaluated by FHIRPath,
  // by resource type (context steps below it).
  const std::map<std::string, std::vector<Invariant>, std::less<>>& coreInvariants() const { return coreInvariants_; }
  // The tree of a resource type's core invariant contexts (null: none).
  const PathTree* coreTree(std::string_view resourceType) const;
  // The R4 invariants not evaluated by FHIRPath, "key: why" (core_validator.cpp
  // implements some in C++; the others are named here, never passed silently).
  const std::vector<std::string>& unevaluatedCoreInvariants() const { return unevaluated_; }
  // Every "profile id: element id" whose slice a parent profile defines.
  std::vector<std::string> uncheckedSlices() const;

 private:
  std::map<std::string, Profile, std::less<>> profiles_;  // by url
  TextMap<const Profile*> byUrl_;                          // the same, hashed (find() is on every reference)
  Terminology terminology_;
  CoreDefs core_;
  std::map<std::string, std::vector<Invariant>, std::less<>> coreInvariants_;
  std::map<std::string, PathTree, std::less<>> coreTrees_;
  std::vector<std::string> unevaluated_;
  void indexCoreInvariants();
};

// "Bundle.entry:citizen.resource" below root "Bundle" -> steps. Pure.
std::vector<Step> parseElementId(std::string_view id);

}  // namespace reghub::kl_gateway
