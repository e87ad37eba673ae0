#include "adapters/kl_gateway/profile_validator.h"

#include <rapidjson/document.h>

#include <cctype>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

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

bool isChoiceMember(std::string_view member, std::string_view name) {
  return member.size() > name.size() && member.compare(0, name.size(), name) == 0 &&
         std::isupper(static_cast<unsigned char>(member[name.size()]));
}

// The resources of one Bundle by fullUrl and by "Type/id" (for resolve()).
struct BundleIndex {
  std::map<std::string, const Value*, std::less<>> byUrl, byTypeId;
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

// What the runs of one validation share: conformsTo() answers and each
// Bundle's index, built once (a silent run for conformsTo() must not copy
// them: that made a report of n entries cost n²).
struct Shared {
  std::map<std::pair<const Value*, const Profile*>, bool> memo;
  std::map<const Value*, std::unique_ptr<BundleIndex>> indexes;
  const BundleIndex* index(const Value& bundle) {
    auto& slot = indexes[&bundle];
    if (!slot) slot = std::make_unique<BundleIndex>(bundle);
    return slot.get();
  }
};

// One validation: the bundles it is inside and the (resource, profile)
// pairs already reported.
class Run {
 public:
  Run(const ProfileSet& set, Shared& shared, CoreRules core) : set_(set), shared_(shared), coreRules_(core) {}

  void validateClaimed(const Value& r, const diag::Reporter& out) {
    checkCoreInvariants(r, out);
    if (const Value* meta = util::jsonMember(r, "meta"))
      if (const Value* ps = util::jsonMember(*meta, "profile"); ps && ps->IsArray())
        for (const auto& p : ps->GetArray())
          if (p.IsString())
            if (const Profile* prof = set_.find(p.GetString())) check(r, *prof, out);
    if (str(r, "resourceType") != "Bundle") return;
    const Value* entries = util::jsonMember(r, "entry");
    if (!entries || !entries->IsArray()) return;
    bundles_.push_back(shared_.index(r));
    for (rapidjson::SizeType i = 0; i < entries->Size(); ++i)
      if (const Value* res = util::jsonMember((*entries)[i], "resource"); res && res->IsObject())
        validateClaimed(*res, out.at(".entry[" + std::to_string(i) + "].resource"));
    bundles_.pop_back();
  }

  // Reports each (resource, profile) once.
  void check(const Value& r, const Profile& p, const diag::Reporter& out) {
    if (!done_.insert({&r, &p}).second) return;
    const bool bundle = str(r, "resourceType") == "Bundle";
    if (bundle) bundles_.push_back(shared_.index(r));
    // Conforming to a profile includes its parent's rules.
    if (checkProfile(r, p, out) && p.base) check(r, *p.base, out);
    if (bundle) bundles_.pop_back();
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
    silent.check(r, *p, diag::Reporter(sink));
    return shared_.memo[key] = !sink.hasErrors();
  }

 private:
  // False when the resource is of another type than the profile's.
  bool checkProfile(const Value& r, const Profile& p, const diag::Reporter& out) {
    const bool resource = set_.core().resourceTypes.count(p.type) > 0;  // not an extension or data type profile
    if (resource && str(r, "resourceType") != p.type) {
      out.error(kRuleProfile, p.type, "a " + str(r, "resourceType") + " cannot conform to " + p.id + " (a " + p.type + ")");
      return false;
    }
    for (const ElementRule& rule : p.elements) checkRule(r, p, rule, out);
    for (const Invariant& inv : p.invariants) checkInvariant(r, p, inv, out);
    return true;
  }

  // The instances at steps[0..n) below `root`.
  std::vector<Node> nodesAt(const Value& root, const std::vector<Step>& steps, size_t n) {
    std::vector<Node> cur{{&root, -1}};
    for (size_t i = 0; i < n; ++i) {
      std::vector<Node> next;
      for (const Node& x : cur) children(x, steps[i], next);
      cur = std::move(next);
    }
    return cur;
  }

  void children(const Node& parent, const Step& s, std::vector<Node>& out) {
    if (!parent.v->IsObject()) return;
    for (const auto& m : parent.v->GetObject()) {
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (s.choice ? !isChoiceMember(name, s.name) : name != s.name) continue;
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
      if (conformsTo(*at, url)) return true;
    return false;
  }

  void checkRule(const Value& r, const Profile& p, const ElementRule& rule, const diag::Reporter& out) {
    if (rule.steps.empty()) return;
    for (const Step& s : rule.steps)
      if (s.unchecked) return;  // a parent profile's slice (ProfileSet::uncheckedSlices)
    const SegScope scope(segs_);
    const size_t n = rule.steps.size();
    for (const Node& parent : nodesAt(r, rule.steps, n - 1)) {
      std::vector<Node> kids;
      children(parent, rule.steps.back(), kids);
      const int count = static_cast<int>(kids.size());
      if (rule.min && count < *rule.min)
        at(out, parent).error(kRuleCardinality, rule.id,
                 p.id + ": " + rule.id + " needs at least " + std::to_string(*rule.min) + ", has " + std::to_string(count));
      if (rule.max && *rule.max >= 0 && count > *rule.max)
        at(out, parent).error(kRuleCardinality, rule.id,
                 p.id + ": " + rule.id + (*rule.max == 0 ? " must not be present" : " allows at most " + std::to_string(*rule.max)) +
                     ", has " + plural(count, "item"));
      for (const Node& kid : kids) checkInstance(p, rule, kid, out);
    }
  }

  void checkInstance(const Profile& p, const ElementRule& rule, const Node& kid, const diag::Reporter& out) {
    if (rule.fixed && !(rule.pattern ? matchesPattern(*rule.fixed, *kid.v) : *rule.fixed == *kid.v))
      at(out, kid).error(kRuleFixed, rule.id,
                         p.id + ": " + rule.id + " must be " + (rule.pattern ? "like " : "") + jsonText(*rule.fixed));
    if (!rule.binding.empty() && !set_.terminology().memberOf(*kid.v, rule.binding))
      at(out, kid).error(kRuleBinding, rule.id, p.id + ": " + codingText(*kid.v) + " is not in " + rule.binding);
    if (rule.closedSlicing && !inAnySlice(p, rule, *kid.v))
      at(out, kid).error(kRuleSlice, rule.id, p.id + ": " + rule.id + " is closed; this item is in none of its slices");
    if (!rule.types.empty() && needsTypeCheck(rule, *kid.v)) checkTypes(p, rule, kid, at(out, kid));
  }

  // Only resources, profiled types and checked references cost a reporter.
  static bool needsTypeCheck(const ElementRule& rule, const Value& v) {
    if (v.IsObject() && v.HasMember("resourceType")) return true;
    for (const TypeRule& t : rule.types)
      if (!t.profiles.empty() || (t.code == "Reference" && (t.bundled || !t.targetProfiles.empty()))) return true;
    return false;
  }

  // The reporter at a node (its path put together now: something is reported).
  diag::Reporter at(const diag::Reporter& out, const Node& n) const { return out.at(pathOf(n.seg)); }

  std::string pathOf(int s) const {
    if (s < 0) return {};
    std::string out = pathOf(segs_[static_cast<size_t>(s)].parent);
    const Seg& g = segs_[static_cast<size_t>(s)];
    if (g.index >= 0) {
      out += '[' + std::to_string(g.index) + ']';
    } else {
      out += '.';
      out += g.name;
    }
    return out;
  }

  int seg(int parent, std::string_view name, int index) {
    segs_.push_back({parent, name, index});
    return static_cast<int>(segs_.size()) - 1;
  }

  // Segments made while a rule is checked are dropped after it (nested
  // checks end first, so the arena is a stack).
  struct SegScope {
    explicit SegScope(std::deque<Seg>& s) : segs(s), size(s.size()) {}
    ~SegScope() { segs.resize(size); }
    SegScope(const SegScope&) = delete;
    SegScope& operator=(const SegScope&) = delete;
    std::deque<Seg>& segs;
    size_t size;
  };

  bool inAnySlice(const Profile& p, const ElementRule& rule, const Value& v) {
    for (const std::string& s : rule.slices)
      if (const auto it = p.sliceMatches.find(rule.id + ":" + s); it != p.sliceMatches.end() && inSlice(v, &it->second))
        return true;
    return false;
  }

  void checkTypes(const Profile& p, const ElementRule& rule, const Node& kid, const diag::Reporter& at) {
    const Value& v = *kid.v;
    if (const std::string type = str(v, "resourceType"); !type.empty()) {
      const TypeRule* allowed = nullptr;
      for (const TypeRule& t : rule.types)
        if (t.code == type) allowed = &t;
      if (!allowed) {
        at.error(kRuleType, rule.id, p.id + ": a " + type + " is not allowed in " + rule.id);
        return;
      }
      conformToOne(p, rule, v, allowed->profiles, at);
      return;
    }
    for (const TypeRule& t : rule.types) {
      if (t.code != "Reference" && !t.profiles.empty()) conformToOne(p, rule, v, t.profiles, at);  // Extension, Identifier
      if (t.code == "Reference" && (t.bundled || !t.targetProfiles.empty())) checkReference(p, rule, t, v, at);
    }
  }

  // One profile: its diagnostics are reported here; several: one must hold.
  void conformToOne(const Profile& p, const ElementRule& rule, const Value& v, const std::vector<std::string>& urls,
                    const diag::Reporter& at) {
    std::vector<const Profile*> loaded;
    for (const std::string& u : urls)
      if (const Profile* q = set_.find(u)) loaded.push_back(q);
    if (loaded.size() == 1) return check(v, *loaded.front(), at);
    if (loaded.empty()) return;  // a profile of another IG (DK-core's identifiers): not checked here
    for (const Profile* q : loaded)
      if (conformsTo(v, q->url)) return;
    at.error(kRuleProfile, rule.id, p.id + ": " + rule.id + " conforms to none of its profiles");
  }

  void checkReference(const Profile& p, const ElementRule& rule, const TypeRule& t, const Value& v,
                      const diag::Reporter& at) {
    if (bundles_.empty()) return;  // outside a report, nothing to resolve against
    const std::string ref = str(v, "reference");
    const Value* target = ref.empty() ? nullptr : bundles_.back()->resolve(ref);
    if (!target) {
      if (t.bundled)
        at.error(kRuleReference, rule.id,
                 p.id + ": " + rule.id + " must resolve inside the report (aggregation bundled): " +
                     (ref.empty() ? "no reference" : ref + " is not in it"));
      return;
    }
    if (t.targetProfiles.empty()) return;
    for (const std::string& u : t.targetProfiles)
      if (conformsTo(*target, u)) return;
    std::string names;
    for (const std::string& u : t.targetProfiles) names += (names.empty() ? "" : " or ") + u.substr(u.rfind('/') + 1);
    at.error(kRuleReference, rule.id, p.id + ": " + rule.id + " points to " + ref + ", which is no " + names);
  }

  // The R4 invariants of the resource's type that FHIRPath evaluates
  // (ProfileSet::coreInvariants), reported under the core invariant rule.
  void checkCoreInvariants(const Value& r, const diag::Reporter& out) {
    const auto it = set_.coreInvariants().find(str(r, "resourceType"));
    if (it == set_.coreInvariants().end()) return;
    const SegScope scope(segs_);
    for (const Invariant& inv : it->second)
      for (const Node& at : nodesAt(r, inv.steps, inv.steps.size())) {
        std::string error;
        const std::optional<bool> holds = fhirpath::invariantHolds(inv.expression, *at.v, context(), &error);
        if (holds && *holds) continue;
        const std::string text = inv.key + ": " + (holds ? inv.human : "cannot be evaluated: " + error);
        if (inv.severity == "error" || !holds)
          this->at(out, at).error(coreRules_.invariants, "", text);
        else
          this->at(out, at).warning(coreRules_.invariants, "", text);
      }
  }

  fhirpath::Context context() {
    fhirpath::Context ctx;
    ctx.resolve = [this](const std::string& ref) -> const Value* {
      return bundles_.empty() ? nullptr : bundles_.back()->resolve(ref);
    };
    ctx.memberOf = [this](const Value& node, const std::string& vs) { return set_.terminology().memberOf(node, vs); };
    ctx.conformsTo = [this](const Value& node, const std::string& url) { return conformsTo(node, url); };
    return ctx;
  }

  void checkInvariant(const Value& r, const Profile& p, const Invariant& inv, const diag::Reporter& out) {
    const fhirpath::Context ctx = context();
    const SegScope scope(segs_);
    for (const Node& at : nodesAt(r, inv.steps, inv.steps.size())) {
      std::string error;
      const std::optional<bool> holds = fhirpath::invariantHolds(inv.expression, *at.v, ctx, &error);
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

  static std::string jsonText(const Value& v) {
    if (v.IsString()) return "'" + std::string(v.GetString()) + "'";
    if (v.IsBool()) return v.GetBool() ? "true" : "false";
    return "the profile's pattern";
  }

  const ProfileSet& set_;
  Shared& shared_;
  CoreRules coreRules_;
  std::vector<const BundleIndex*> bundles_;  // innermost last
  std::deque<Seg> segs_;                     // the path arena of the nodes in hand
  std::set<std::pair<const Value*, const Profile*>> done_;
};

}  // namespace

// Paths start at the resource ("Bundle/<id>"): ids are no CPR numbers.
static diag::Reporter rooted(const Value& r, const diag::Reporter& out) {
  return out.at(str(r, "resourceType") + "/" + str(r, "id"));
}

void ProfileValidator::validate(const Value& resource, const diag::Reporter& out) const {
  const diag::Reporter at = rooted(resource, out);
  core_.validateResource(resource, at);
  Shared shared;
  Run(*set_, shared, coreRules_).validateClaimed(resource, at);
}

void ProfileValidator::validateAgainst(const Value& resource, std::string_view url, const diag::Reporter& out) const {
  const Profile* p = set_->find(url);
  if (!p) {
    out.error(kRuleProfile, "meta.profile", "unknown profile " + std::string(url));
    return;
  }
  Shared shared;
  Run(*set_, shared, coreRules_).check(resource, *p, rooted(resource, out));
}

bool ProfileValidator::conformsTo(const Value& resource, std::string_view url) const {
  Shared shared;
  return Run(*set_, shared, coreRules_).conformsTo(resource, url);
}

}  // namespace reghub::kl_gateway
