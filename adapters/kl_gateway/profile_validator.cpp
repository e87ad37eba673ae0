#include "adapters/kl_gateway/profile_validator.h"

#include <rapidjson/document.h>

#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "adapters/kl_gateway/text_hash.h"
#include "hub/fhirpath/evaluator.h"
#include "hub/util/json_access.h"

namespace reghub::kl_gateway {

namespace {

using rapidjson::Value;

// An instance and where it is: a segment of the run's path arena (the path
// text, ".entry[1].resource", is put together only for a diagnostic).
struct Node {
  const Value* v;
  int seg;  // -1: the resource itself
};
struct Seg {
  int parent;
  std::string_view name;  // a JSON member name (the document outlives the run); empty for an index
  int index;              // -1 for a member
};

std::string str(const Value& v, const char* name) { return util::jsonString(v, name); }

// The resourceType, without a copy ("" if none).
std::string_view typeOf(const Value& v) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember("resourceType");
  return it != v.MemberEnd() && it->value.IsString() ? std::string_view(it->value.GetString(), it->value.GetStringLength())
                                                     : std::string_view();
}

// Most member names differ from a step's in length or first letter: those
// are told apart without a call to memcmp.
bool sameName(std::string_view member, const std::string& name) {
  return member.size() == name.size() && (member.empty() || member[0] == name[0]) && member == name;
}

bool isChoiceMember(std::string_view member, std::string_view name) {
  return member.size() > name.size() && member.compare(0, name.size(), name) == 0 &&
         std::isupper(static_cast<unsigned char>(member[name.size()]));
}

// The resources of one Bundle by fullUrl and by "Type/id" (for resolve()).
// Hashed: the urls of one report share long prefixes, which a sorted map
// compares again at every step.
struct BundleIndex {
  TextMap<const Value*> byUrl, byTypeId;
  explicit BundleIndex(const Value& bundle) {
    const Value* entries = util::jsonMember(bundle, "entry");
    if (!entries || !entries->IsArray()) return;
    for (const auto& e : entries->GetArray()) {
      const Value* r = util::jsonMember(e, "resource");
      if (!r || !r->IsObject()) continue;
      if (const std::string url = str(e, "fullUrl"); !url.empty()) byUrl[url] = r;
      if (const std::string id = str(*r, "id"); !id.empty()) byTypeId[str(*r, "resourceType") + "/" + id] = r;
    }
  }
  const Value* resolve(std::string_view ref) const {
    if (const auto it = byUrl.find(ref); it != byUrl.end()) return it->second;
    // "Patient/x" or "https://base/Patient/x": the last two segments.
    const size_t slash = ref.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return nullptr;
    const size_t typeStart = ref.rfind('/', slash - 1);
    const std::string_view typeId = ref.substr(typeStart == std::string_view::npos ? 0 : typeStart + 1);
    const auto it = byTypeId.find(typeId);
    return it == byTypeId.end() ? nullptr : it->second;
  }
};

// Pattern matching (FHIR: every member of the pattern is in the instance;
// arrays: each pattern item matches some instance item); fixed is equality.
bool matchesPattern(const Value& pattern, const Value& v) {
  if (pattern.IsObject()) {
    if (!v.IsObject()) return false;
    for (const auto& m : pattern.GetObject()) {
      const auto it = v.FindMember(m.name);
      if (it == v.MemberEnd() || !matchesPattern(m.value, it->value)) return false;
    }
    return true;
  }
  if (pattern.IsArray()) {
    if (!v.IsArray()) return false;
    for (const auto& p : pattern.GetArray()) {
      bool found = false;
      for (const auto& x : v.GetArray()) found = found || matchesPattern(p, x);
      if (!found) return false;
    }
    return true;
  }
  return pattern == v;
}

std::string codingText(const Value& v) {
  if (v.IsString()) return v.GetString();
  if (const Value* codings = util::jsonMember(v, "coding"); codings && codings->IsArray()) {
    std::string out;
    for (const auto& c : codings->GetArray()) out += (out.empty() ? "" : ", ") + codingText(c);
    return out.empty() ? "no coding" : out;
  }
  return str(v, "system") + "|" + str(v, "code");
}

std::string plural(int n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

// What each node of a path tree selects in one resource, computed on first
// use (the rules below one element share its parent's instances). A node's
// items come parent instance by parent instance: groups[i]..groups[i+1] are
// the children of the parent's i-th item.
struct Slot {
  bool done = false;
  std::vector<Node> items;
  std::vector<uint32_t> groups;
};

// What the runs of one validation share: conformsTo() answers and each
// Bundle's index, built once (a silent run for conformsTo() must not copy
// them: that made a report of n entries cost n²).
struct Shared {
  std::map<std::pair<const Value*, const Profile*>, bool> memo;
  // (resource, profile, innermost bundle) a conformsTo() run found without
  // any diagnostic: checking it again, reported, would report nothing.
  std::set<std::tuple<const Value*, const Profile*, const BundleIndex*>> clean;
  // The selections' storage, kept for the next (capacity and all) — across
  // validations of this thread too: a report's few profiles need the same.
  std::vector<std::vector<Slot>>& freeSlots = slotPool();
  static std::vector<std::vector<Slot>>& slotPool() {
    thread_local std::vector<std::vector<Slot>> pool;
    return pool;
  }
  std::map<const Value*, std::unique_ptr<BundleIndex>> indexes;
  // The resources this validation walks with the profiles they claim (a
  // Bundle's entries, nested ones too): their own errors are reported there.
  std::set<const Value*> walked;
  bool rootCauseOnce = false;  // ReportingOptions
  const BundleIndex* index(const Value& bundle) {
    auto& slot = indexes[&bundle];
    if (!slot) slot = std::make_unique<BundleIndex>(bundle);
    return slot.get();
  }
};

// The selection of one tree below one root. Its slots come from (and go back
// to) the validation's free list: a report checks thousands of resources
// against the same few profiles, so their vectors are allocated once.
class Selection {
 public:
  Selection(Shared& shared, Node r, size_t nodes) : root(r), shared_(shared) {
    if (!shared_.freeSlots.empty()) {
      slots = std::move(shared_.freeSlots.back());
      shared_.freeSlots.pop_back();
    }
    for (Slot& s : slots) {
      s.done = false;
      s.items.clear();
      s.groups.clear();
    }
    slots.resize(nodes);  // sized once, so references stay valid
  }
  ~Selection() { shared_.freeSlots.push_back(std::move(slots)); }
  Selection(const Selection&) = delete;
  Selection& operator=(const Selection&) = delete;

  const Node root;
  std::vector<Slot> slots;  // by node

 private:
  Shared& shared_;
};

// One validation: the bundles it is inside and the (resource, profile)
// pairs already reported.
class Run {
 public:
  Run(const ProfileSet& set, Shared& shared, CoreRules core)
      : set_(set), shared_(shared), coreRules_(core), ctx_(makeContext()) {}
  Run(const Run&) = delete;  // the context's hooks hold `this`
  Run& operator=(const Run&) = delete;

  // `out` is the validation's reporter, `seg` where `r` is below it (its path
  // is put together only for a diagnostic).
  void validateClaimed(const Value& r, const diag::Reporter& out, int seg = -1) {
    checkCoreInvariants(r, out, seg);
    if (const Value* meta = util::jsonMember(r, "meta"))
      if (const Value* ps = util::jsonMember(*meta, "profile"); ps && ps->IsArray())
        for (const auto& p : ps->GetArray())
          if (p.IsString())
            if (const Profile* prof = set_.find(p.GetString())) check(r, *prof, out, seg);
    if (typeOf(r) != "Bundle") return;
    const Value* entries = util::jsonMember(r, "entry");
    if (!entries || !entries->IsArray()) return;
    bundles_.push_back(shared_.index(r));
    const SegScope scope(segs_);
    const int entry = this->seg(seg, "entry", -1);
    for (rapidjson::SizeType i = 0; i < entries->Size(); ++i)
      if (const Value* res = util::jsonMember((*entries)[i], "resource"); res && res->IsObject()) {
        const SegScope each(segs_);
        validateClaimed(*res, out, this->seg(this->seg(entry, {}, static_cast<int>(i)), "resource", -1));
      }
    bundles_.pop_back();
  }

  // Reports each (resource, profile) once.
  void check(const Value& r, const Profile& p, const diag::Reporter& out, int seg) {
    if (stopped() || !done_.insert({&r, &p}).second) return;
    if (shared_.clean.count({&r, &p, innermost()})) return;
    const bool bundle = typeOf(r) == "Bundle";
    if (bundle) bundles_.push_back(shared_.index(r));
    // Conforming to a profile includes its parent's rules.
    if (checkProfile(r, p, out, seg) && p.base) check(r, *p.base, out, seg);
    if (bundle) bundles_.pop_back();
  }

  // Whether `r` counts as conforming where a slice, a type with several
  // profiles or a reference target asks. The root cause is reported once: a
  // resource this validation walks that claims the profile reports its own
  // errors, so the place that refers to it (a reference, the entry's slice)
  // does not report the same failure again.
  bool conformsOrReportsItself(const Value& r, std::string_view url) {
    if (const Profile* p = set_.find(url);
        p && shared_.rootCauseOnce && shared_.walked.count(&r) && claims(r, url) && typeOf(r) == p->type)
      return true;
    return conformsTo(r, url);
  }

  bool conformsTo(const Value& r, std::string_view url) {
    const Profile* p = set_.find(url);
    if (!p) return false;
    const auto key = std::make_pair(&r, p);
    if (const auto it = shared_.memo.find(key); it != shared_.memo.end()) return it->second;
    shared_.memo[key] = true;  // a cycle of references conforms (it is checked where it starts)
    diag::Collector sink;
    Run silent(set_, shared_, coreRules_);
    silent.bundles_ = bundles_;
    silent.stopAt_ = &sink;
    silent.check(r, *p, diag::Reporter(sink), -1);
    if (sink.diagnostics().empty()) shared_.clean.insert({&r, p, innermost()});
    return shared_.memo[key] = !sink.hasErrors();
  }

 private:
  // False when the resource is of another type than the profile's.
  bool checkProfile(const Value& r, const Profile& p, const diag::Reporter& out, int seg) {
    if (p.resource && typeOf(r) != p.type) {
      // A claim of a profile of another type is wrong where it is made.
      const diag::Reporter here = at(out, {&r, seg});
      (claims(r, p.url) ? here.at(".meta.profile") : here)
          .error(kRuleProfile, p.type, p.id + ": a " + str(r, "resourceType") + " cannot conform to it (a " + p.type + ")");
      return false;
    }
    // The segments of this profile's selection are dropped after it (nested
    // checks end first, so the arena is a stack).
    const SegScope scope(segs_);
    Selection sel(shared_, {&r, seg}, p.tree.nodes.size());
    for (const ElementRule& rule : p.elements)
      if (rule.node >= 0 && !stopped()) checkRule(p, sel, rule, out);
    for (const Invariant& inv : p.invariants)
      if (inv.node >= 0 && !stopped()) checkInvariant(p, select(p.tree, sel, inv.node).items, inv, out);
    return true;
  }

  // The instances of `node` below `root` (its parent's first).
  const BundleIndex* innermost() const { return bundles_.empty() ? nullptr : bundles_.back(); }

  const Slot& select(const PathTree& tree, Selection& sel, int node) {
    Slot& slot = sel.slots[static_cast<size_t>(node)];
    if (slot.done) return slot;
    slot.done = true;
    if (node == 0) {
      slot.items.push_back(sel.root);
      return slot;
    }
    const PathNode& n = tree.nodes[static_cast<size_t>(node)];
    const Slot& parent = select(tree, sel, n.parent);
    slot.groups.reserve(parent.items.size() + 1);
    for (const Node& x : parent.items) {
      slot.groups.push_back(static_cast<uint32_t>(slot.items.size()));
      children(x, n.step, slot.items);
    }
    slot.groups.push_back(static_cast<uint32_t>(slot.items.size()));
    return slot;
  }

  void children(const Node& parent, const Step& s, std::vector<Node>& out) {
    if (!parent.v->IsObject()) return;
    for (const auto& m : parent.v->GetObject()) {
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (s.choice ? !isChoiceMember(name, s.name) : !sameName(name, s.name)) continue;
      if (s.match && s.match->kind == SliceMatch::Kind::kChoiceType && name != s.match->member) continue;
      const int member = seg(parent.seg, name, -1);
      if (m.value.IsArray()) {
        for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i)
          if (!m.value[i].IsNull() && inSlice(m.value[i], s.match))
            out.push_back({&m.value[i], seg(member, {}, static_cast<int>(i))});
      } else if (!m.value.IsNull() && inSlice(m.value, s.match)) {
        out.push_back({&m.value, member});
      }
    }
  }

  bool inSlice(const Value& v, const SliceMatch* m) {
    if (!m || m->kind == SliceMatch::Kind::kChoiceType) return true;
    const Value* at = util::jsonMember(v, m->path.c_str());
    if (!at) return false;
    if (m->kind == SliceMatch::Kind::kValue) return at->IsString() && m->value == at->GetString();
    for (const std::string& url : m->profiles)
      if (conformsOrReportsItself(*at, url)) return true;
    return false;
  }

  // A rule below an unchecked slice (a parent profile's, ProfileSet::uncheckedSlices) has no node.
  void checkRule(const Profile& p, Selection& sel, const ElementRule& rule, const diag::Reporter& out) {
    const Slot& kids = select(p.tree, sel, rule.node);
    const Slot& parents = select(p.tree, sel, p.tree.nodes[static_cast<size_t>(rule.node)].parent);
    for (size_t i = 0; i < parents.items.size() && !stopped(); ++i) {
      const Node& parent = parents.items[i];
      const uint32_t from = kids.groups[i], to = kids.groups[i + 1];
      const int count = static_cast<int>(to - from);
      if (rule.min && count < *rule.min && !(shared_.rootCauseOnce && missingWithItsSlicedElement(p, rule, *parent.v)))
        at(out, parent).error(kRuleCardinality, rule.id,
                 p.id + ": " + rule.id + " needs at least " + std::to_string(*rule.min) + ", has " + std::to_string(count));
      if (rule.max && *rule.max >= 0 && count > *rule.max && !(*rule.max == 0 && shared_.rootCauseOnce && forbiddenUnsliced(p, rule)))
        at(out, parent).error(kRuleCardinality, rule.id,
                 p.id + ": " + rule.id + (*rule.max == 0 ? " must not be present" : " allows at most " + std::to_string(*rule.max)) +
                     ", has " + plural(count, "item"));
      for (uint32_t k = from; k < to; ++k) checkInstance(p, rule, kids.items[k], out);
    }
  }

  // A slice's minimum when the sliced element is missing altogether and
  // below its own minimum: that error is the root cause, reported once.
  static bool missingWithItsSlicedElement(const Profile& p, const ElementRule& rule, const Value& parent) {
    if (rule.steps.empty() || rule.steps.back().slice.empty()) return false;
    const std::string sliced = rule.id.substr(0, rule.id.rfind(':'));
    const Step& step = rule.steps.back();
    for (const ElementRule& r : p.elements)
      if (r.id == sliced) {
        if (!r.min || *r.min <= 0 || !parent.IsObject()) return false;
        for (const auto& m : parent.GetObject()) {
          const std::string_view name(m.name.GetString(), m.name.GetStringLength());
          if (step.choice ? isChoiceMember(name, step.name) : name == step.name) return false;
        }
        return true;
      }
    return false;
  }

  void checkInstance(const Profile& p, const ElementRule& rule, const Node& kid, const diag::Reporter& out) {
    if (rule.fixed && !(rule.pattern ? matchesPattern(*rule.fixed, *kid.v) : *rule.fixed == *kid.v))
      at(out, kid).error(kRuleFixed, rule.id,
                         p.id + ": " + rule.id + " must be " + (rule.pattern ? "like " : "") + jsonText(*rule.fixed));
    if (rule.maxLength && kid.v->IsString() && kid.v->GetStringLength() > *rule.maxLength)
      at(out, kid).error(kRuleLength, rule.id,
                         p.id + ": " + rule.id + " is longer than " + std::to_string(*rule.maxLength) + " characters");
    if (!rule.choiceMembers.empty()) checkChoiceType(p, rule, kid, out);
    if (!rule.binding.empty() && !set_.terminology().memberOf(*kid.v, rule.binding))
      atTheCoding(at(out, kid), *kid.v).error(kRuleBinding, rule.id, p.id + ": " + codingText(*kid.v) + " is not in " + rule.binding);
    if (rule.closedSlicing && !inAnySlice(p, rule, *kid.v))
      at(out, kid).error(kRuleSlice, rule.id, p.id + ": " + rule.id + " is closed; this item is in none of its slices");
    if (!rule.types.empty() && needsTypeCheck(rule, *kid.v)) checkTypes(p, rule, kid, out);
  }

  // A CodeableConcept with one coding is wrong at that coding.
  static diag::Reporter atTheCoding(const diag::Reporter& here, const Value& v) {
    const Value* codings = util::jsonMember(v, "coding");
    return codings && codings->IsArray() && codings->Size() == 1 ? here.at(".coding[0]") : here;
  }

  // A slice's child forbidden (max 0) as the unsliced element's child is too:
  // the same instance breaks the same rule once.
  static bool forbiddenUnsliced(const Profile& p, const ElementRule& rule) {
    if (rule.id.find(':') == std::string::npos) return false;
    std::string plain;
    for (size_t i = 0; i < rule.id.size(); ++i) {
      if (rule.id[i] != ':') {
        plain += rule.id[i];
        continue;
      }
      while (i + 1 < rule.id.size() && rule.id[i + 1] != '.') ++i;
    }
    for (const ElementRule& r : p.elements)
      if (r.id == plain) return r.max && *r.max == 0;
    return false;
  }

  // value[x] given as a type the profile does not allow (valueCoding where
  // only CodeableConcept is): the member names the type.
  void checkChoiceType(const Profile& p, const ElementRule& rule, const Node& kid, const diag::Reporter& out) {
    int s = kid.seg;
    if (s >= 0 && segs_[static_cast<size_t>(s)].index >= 0) s = segs_[static_cast<size_t>(s)].parent;
    if (s < 0) return;
    const std::string_view member = segs_[static_cast<size_t>(s)].name;
    for (const std::string& allowed : rule.choiceMembers)
      if (member == allowed) return;
    std::string names;
    for (const TypeRule& t : rule.types) names += (names.empty() ? "" : " or ") + t.code;
    at(out, kid).error(kRuleType, rule.id,
                       p.id + ": " + rule.id + " takes only " + names + ", not " +
                           std::string(member.substr(rule.steps.back().name.size())));
  }

  // Only resources, profiled types and checked references are looked at further.
  static bool needsTypeCheck(const ElementRule& rule, const Value& v) {
    if (v.IsObject() && v.HasMember("resourceType")) return true;
    for (const TypeRule& t : rule.types)
      if (!t.profiles.empty() || (t.code == "Reference" && (t.bundled || !t.targetProfiles.empty()))) return true;
    return false;
  }

  // The reporter at a node (its path put together now: something is reported).
  diag::Reporter at(const diag::Reporter& out, const Node& n) const { return out.at(pathOf(n.seg)); }

  std::string pathOf(int s) const {
    std::vector<const Seg*> chain;  // innermost first
    for (; s >= 0; s = segs_[static_cast<size_t>(s)].parent) chain.push_back(&segs_[static_cast<size_t>(s)]);
    std::string out;
    for (auto g = chain.rbegin(); g != chain.rend(); ++g) {
      if ((*g)->index >= 0) {
        out += '[' + std::to_string((*g)->index) + ']';
      } else {
        out += '.';
        out += (*g)->name;
      }
    }
    return out;
  }

  int seg(int parent, std::string_view name, int index) {
    segs_.push_back({parent, name, index});
    return static_cast<int>(segs_.size()) - 1;
  }

  struct SegScope {
    explicit SegScope(std::vector<Seg>& s) : segs(s), size(s.size()) {}
    ~SegScope() { segs.resize(size); }
    SegScope(const SegScope&) = delete;
    SegScope& operator=(const SegScope&) = delete;
    std::vector<Seg>& segs;
    size_t size;
  };

  bool inAnySlice(const Profile& p, const ElementRule& rule, const Value& v) {
    for (const std::string& s : rule.slices)
      if (const auto it = p.sliceMatches.find(rule.id + ":" + s); it != p.sliceMatches.end() && inSlice(v, &it->second))
        return true;
    return false;
  }

  void checkTypes(const Profile& p, const ElementRule& rule, const Node& kid, const diag::Reporter& out) {
    const Value& v = *kid.v;
    if (const std::string_view type = typeOf(v); !type.empty()) {
      const TypeRule* allowed = nullptr;
      for (const TypeRule& t : rule.types)
        if (t.code == type) allowed = &t;
      if (!allowed) {
        at(out, kid).error(kRuleType, rule.id, p.id + ": a " + std::string(type) + " is not allowed in " + rule.id);
        return;
      }
      conformToOne(p, rule, kid, allowed->profiles, out);
      return;
    }
    for (const TypeRule& t : rule.types) {
      if (t.code != "Reference" && !t.profiles.empty()) conformToOne(p, rule, kid, t.profiles, out);  // Extension, Identifier
      if (t.code == "Reference" && (t.bundled || !t.targetProfiles.empty())) checkReference(p, rule, t, kid, out);
    }
  }

  // One profile: its diagnostics are reported here; several: one must hold.
  void conformToOne(const Profile& p, const ElementRule& rule, const Node& kid, const std::vector<std::string>& urls,
                    const diag::Reporter& out) {
    std::vector<const Profile*> loaded;
    for (const std::string& u : urls)
      if (const Profile* q = set_.find(u)) loaded.push_back(q);
    if (loaded.size() == 1) return check(*kid.v, *loaded.front(), out, kid.seg);
    if (loaded.empty()) return;  // a profile of another IG (DK-core's identifiers): not checked here
    for (const Profile* q : loaded)
      if (conformsOrReportsItself(*kid.v, q->url)) return;
    at(out, kid).error(kRuleProfile, rule.id, p.id + ": " + rule.id + " conforms to none of its profiles");
  }

  void checkReference(const Profile& p, const ElementRule& rule, const TypeRule& t, const Node& kid,
                      const diag::Reporter& out) {
    if (bundles_.empty()) return;  // outside a report, nothing to resolve against
    const std::string ref = str(*kid.v, "reference");
    const Value* target = ref.empty() ? nullptr : bundles_.back()->resolve(ref);
    if (!target) {
      if (t.bundled)
        at(out, kid).error(kRuleReference, rule.id,
                 p.id + ": " + rule.id + " must resolve inside the report (aggregation bundled): " +
                     (ref.empty() ? "no reference" : ref + " is not in it"));
      return;
    }
    if (t.targetProfiles.empty()) return;
    for (const std::string& u : t.targetProfiles)
      if (conformsOrReportsItself(*target, u)) return;
    std::string names;
    for (const std::string& u : t.targetProfiles) names += (names.empty() ? "" : " or ") + u.substr(u.rfind('/') + 1);
    at(out, kid).error(kRuleReference, rule.id, p.id + ": " + rule.id + " points to " + ref + ", which is no " + names);
  }

  // The R4 invariants of the resource's type that FHIRPath evaluates
  // (ProfileSet::coreInvariants), reported under the core invariant rule.
  void checkCoreInvariants(const Value& r, const diag::Reporter& out, int seg) {
    const std::string_view type = typeOf(r);
    const auto it = set_.coreInvariants().find(type);
    if (it == set_.coreInvariants().end()) return;
    const PathTree& tree = *set_.coreTree(type);
    const SegScope scope(segs_);
    Selection sel(shared_, {&r, seg}, tree.nodes.size());
    for (const Invariant& inv : it->second)
      for (const Node& at : select(tree, sel, inv.node).items) {
        std::string error;
        const std::optional<bool> holds = fhirpath::invariantHolds(inv.expression, *at.v, ctx_, &error);
        if (holds && *holds) continue;
        const std::string text = inv.key + ": " + (holds ? inv.human : "cannot be evaluated: " + error);
        if (inv.severity == "error" || !holds)
          this->at(out, at).error(coreRules_.invariants, "", text);
        else
          this->at(out, at).warning(coreRules_.invariants, "", text);
      }
  }

  fhirpath::Context makeContext() {
    fhirpath::Context ctx;
    ctx.resolve = [this](const std::string& ref) -> const Value* {
      return bundles_.empty() ? nullptr : bundles_.back()->resolve(ref);
    };
    ctx.memberOf = [this](const Value& node, const std::string& vs) { return set_.terminology().memberOf(node, vs); };
    ctx.conformsTo = [this](const Value& node, const std::string& url) { return conformsTo(node, url); };
    return ctx;
  }

  void checkInvariant(const Profile& p, const std::vector<Node>& nodes, const Invariant& inv,
                      const diag::Reporter& out) {
    for (const Node& at : nodes) {
      if (stopped()) return;
      std::string error;
      const std::optional<bool> holds = fhirpath::invariantHolds(inv.expression, *at.v, ctx_, &error);
      if (holds && *holds) continue;
      const diag::Reporter here = this->at(out, at);
      if (!holds)
        here.error(kRuleInvariantEval, inv.key, p.id + ": invariant " + inv.key + " cannot be evaluated: " + error);
      else if (inv.severity == "error")
        here.error(inv.key, inv.elementId, p.id + ": " + inv.human);
      else
        here.warning(inv.key, inv.elementId, p.id + ": " + inv.human);
    }
  }

  // meta.profile names `url` (a "|version" suffix aside).
  static bool claims(const Value& r, std::string_view url) {
    const Value* meta = util::jsonMember(r, "meta");
    const Value* ps = meta ? util::jsonMember(*meta, "profile") : nullptr;
    if (!ps || !ps->IsArray()) return false;
    for (const auto& p : ps->GetArray())
      if (p.IsString()) {
        const std::string_view text(p.GetString(), p.GetStringLength());
        if (text.substr(0, text.find('|')) == url) return true;
      }
    return false;
  }

  static std::string jsonText(const Value& v) {
    if (v.IsString()) return "'" + std::string(v.GetString()) + "'";
    if (v.IsBool()) return v.GetBool() ? "true" : "false";
    return "the profile's pattern";
  }

  const ProfileSet& set_;
  Shared& shared_;
  CoreRules coreRules_;
  std::vector<const BundleIndex*> bundles_;  // innermost last
  std::vector<Seg> segs_;                    // the path arena of the nodes in hand (indices only)
  std::set<std::pair<const Value*, const Profile*>> done_;
  // A conformsTo() run asks only whether there is an error: it stops at the first.
  const diag::Collector* stopAt_ = nullptr;
  bool stopped() const { return stopAt_ && stopAt_->hasErrors(); }
  const fhirpath::Context ctx_;  // after the members its hooks read
};

}  // namespace

// Paths start at the resource ("Bundle/<id>"): ids are no CPR numbers.
static diag::Reporter rooted(const Value& r, const diag::Reporter& out) {
  return out.at(str(r, "resourceType") + "/" + str(r, "id"));
}

// The resources validateClaimed() walks below `r`: a Bundle's entries, nested ones too.
static void collectEntries(const Value& r, std::set<const Value*>& out) {
  if (typeOf(r) != "Bundle") return;
  const Value* entries = util::jsonMember(r, "entry");
  if (!entries || !entries->IsArray()) return;
  for (const auto& e : entries->GetArray())
    if (const Value* res = util::jsonMember(e, "resource"); res && res->IsObject() && out.insert(res).second)
      collectEntries(*res, out);
}

void ProfileValidator::validate(const Value& resource, const diag::Reporter& out) const {
  const diag::Reporter at = rooted(resource, out);
  core_.validateResource(resource, at);
  validateProfiles(resource, at);
}

void ProfileValidator::validate(const Value& resource, const diag::Reporter& out, CleanResources& clean) const {
  const diag::Reporter at = rooted(resource, out);
  core_.validateResource(resource, at, clean);
  validateProfiles(resource, at);
}

void ProfileValidator::validateProfiles(const Value& resource, const diag::Reporter& at) const {
  Shared shared;
  shared.rootCauseOnce = reporting_.rootCauseOnce;
  if (shared.rootCauseOnce) collectEntries(resource, shared.walked);
  Run(*set_, shared, coreRules_).validateClaimed(resource, at);
}

void ProfileValidator::validateAgainst(const Value& resource, std::string_view url, const diag::Reporter& out) const {
  const Profile* p = set_->find(url);
  if (!p) {
    out.error(kRuleProfile, "meta.profile", "unknown profile " + std::string(url));
    return;
  }
  Shared shared;
  Run(*set_, shared, coreRules_).check(resource, *p, rooted(resource, out), -1);
}

bool ProfileValidator::conformsTo(const Value& resource, std::string_view url) const {
  Shared shared;
  return Run(*set_, shared, coreRules_).conformsTo(resource, url);
}

}  // namespace reghub::kl_gateway
