#include "adapters/kl_gateway/profile_set.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "adapters/kl_gateway/json_file.h"
#include "hub/fhirpath/evaluator.h"
#include "hub/util/json_access.h"

namespace reghub::kl_gateway {

namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

std::string str(const Value& v, const char* name) { return util::jsonString(v, name); }

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// The R4 core element names and types, only to check that a profile's
// element paths exist: type -> "name" / "name[x]" -> its types.
struct CoreIndex {
  std::map<std::string, std::map<std::string, std::vector<std::string>>> types;
  const std::map<std::string, std::string>* aliases = nullptr;

  explicit CoreIndex(const CoreDefs& core) : aliases(&core.aliases) {
    for (const auto& [type, elems] : core.types)
      for (const ElementDef& e : elems) types[type][e.name + (e.choice ? "[x]" : "")] = e.types;
  }
  const std::map<std::string, std::vector<std::string>>* elementsOf(const std::string& type) const {
    const auto a = aliases->find(type);
    const auto it = types.find(a == aliases->end() ? type : a->second);
    return it == types.end() ? nullptr : &it->second;
  }
};

std::optional<int> cardinality(const Value& e, const char* name) {
  const Value* v = util::jsonMember(e, name);
  if (!v) return std::nullopt;
  if (v->IsInt()) return v->GetInt();
  if (v->IsString()) return std::string_view(v->GetString()) == "*" ? -1 : std::stoi(v->GetString());
  return std::nullopt;
}

std::vector<TypeRule> typesOf(const Value& e) {
  std::vector<TypeRule> out;
  const Value* types = util::jsonMember(e, "type");
  if (!types || !types->IsArray()) return out;
  for (const auto& t : types->GetArray()) {
    TypeRule r;
    r.code = str(t, "code");
    for (const char* key : {"profile", "targetProfile"})
      if (const Value* ps = util::jsonMember(t, key); ps && ps->IsArray())
        for (const auto& p : ps->GetArray())
          (std::string_view(key) == "profile" ? r.profiles : r.targetProfiles).emplace_back(p.GetString());
    if (const Value* ag = util::jsonMember(t, "aggregation"); ag && ag->IsArray())
      for (const auto& a : ag->GetArray()) r.bundled = r.bundled || std::string_view(a.GetString()) == "bundled";
    out.push_back(std::move(r));
  }
  return out;
}

// fixed[x] / pattern[x] of an element, copied into its own document.
void fixedValue(const Value& e, ElementRule& rule) {
  for (const auto& m : e.GetObject()) {
    const std::string_view name(m.name.GetString());
    const bool fixed = name.rfind("fixed", 0) == 0, pattern = name.rfind("pattern", 0) == 0;
    if (!fixed && !pattern) continue;
    auto doc = std::make_shared<rapidjson::Document>();
    doc->CopyFrom(m.value, doc->GetAllocator());
    rule.fixed = std::move(doc);
    rule.pattern = pattern;
  }
}

// The id of the element through step `k` of `steps` (root first).
std::string idThrough(const std::string& root, const std::vector<Step>& steps, size_t k, bool withSlice) {
  std::string id = root;
  for (size_t i = 0; i <= k; ++i) {
    id += '.' + steps[i].name + (steps[i].choice ? "[x]" : "");
    if (!steps[i].slice.empty() && (i < k || withSlice)) id += ':' + steps[i].slice;
  }
  return id;
}

struct Loader {
  const CoreIndex& core;
  std::map<std::string, Profile, std::less<>>& profiles;
  std::map<std::string, std::string> baseOf;                               // url -> baseDefinition
  std::set<std::string> partial;                                           // urls of partial parents
  std::map<std::string, std::map<std::string, const Value*>> slicingOf;    // url -> element id -> slicing
  std::vector<rapidjson::Document> docs;                                   // keeps slicingOf valid

  void readProfile(const fs::path& file) {
    docs.push_back(readJsonFile(file.string()));
    const Value& sd = docs.back();
    Profile p;
    p.url = str(sd, "url");
    p.id = str(sd, "id");
    p.type = str(sd, "type");
    const Value* diff = util::jsonMember(sd, "differential");
    if (p.url.empty() || p.type.empty() || !diff)
      throw std::runtime_error(file.string() + ": a StructureDefinition without url, type or differential");
    baseOf[p.url] = str(sd, "baseDefinition");
    // A parent reconstructed in part (profiles/rehab/parents: only what
    // RULES.md states) may lack slicings its children's slices need.
    if (sd.HasMember("_reconstructed")) partial.insert(p.url);
    for (const auto& e : (*diff)["element"].GetArray()) readElement(e, p, file.string());
    if (profiles.count(p.url)) throw std::runtime_error(file.string() + ": a second profile " + p.url);
    profiles[p.url] = std::move(p);
  }

  // Every key of a differential element is either checked here or only
  // documentation; anything else (minValue[x], maxValue[x], condition, …)
  // would be a constraint passed silently, so it stops the start.
  static void checkKeys(const Value& e, const std::string& id, const Profile& p) {
    static const std::set<std::string, std::less<>> kKnown = {
        "id",   "path",    "short",     "definition", "comment", "requirements", "alias",      "mustSupport",
        "min",  "max",     "type",      "sliceName",  "binding", "slicing",      "constraint", "isSummary",
        "base", "mapping", "extension", "label",      "example",      "maxLength"};
    for (const auto& m : e.GetObject()) {
      const std::string_view k(m.name.GetString(), m.name.GetStringLength());
      if (kKnown.count(k) || k.rfind("fixed", 0) == 0 || k.rfind("pattern", 0) == 0) continue;
      throw std::runtime_error("profile " + p.id + ": element " + id + " uses " + std::string(k) +
                               ", which this validator does not check");
    }
  }

  void readElement(const Value& e, Profile& p, const std::string& file) {
    ElementRule rule;
    rule.id = str(e, "id");
    checkKeys(e, rule.id, p);
    rule.steps = parseElementId(rule.id);
    if (rule.id.rfind(p.type, 0) != 0) throw std::runtime_error(file + ": element " + rule.id + " outside " + p.type);
    rule.min = cardinality(e, "min");
    rule.max = cardinality(e, "max");
    fixedValue(e, rule);
    if (const Value* b = util::jsonMember(e, "binding"); b && str(*b, "strength") == "required")
      rule.binding = std::string(canonicalWithoutVersion(str(*b, "valueSet")));
    rule.types = typesOf(e);
    if (const Value* n = util::jsonMember(e, "maxLength"); n && n->IsUint()) rule.maxLength = n->GetUint();
    if (!rule.steps.empty() && rule.steps.back().choice && rule.steps.back().slice.empty())
      for (const TypeRule& t : rule.types) rule.choiceMembers.push_back(rule.steps.back().name + capitalised(t.code));
    if (const Value* s = util::jsonMember(e, "slicing")) {
      slicingOf[p.url][rule.id] = s;
      rule.closedSlicing = str(*s, "rules") == "closed";
    }
    if (rule.id == "Extension.url" && rule.fixed && (*rule.fixed).IsString()) p.extensionUrl = rule.fixed->GetString();
    if (const Value* cs = util::jsonMember(e, "constraint"); cs && cs->IsArray())
      for (const auto& c : cs->GetArray()) p.invariants.push_back(readInvariant(c, rule, p, file));
    p.elements.push_back(std::move(rule));
  }

  static Invariant readInvariant(const Value& c, const ElementRule& rule, const Profile& p, const std::string& file) {
    const std::string key = str(c, "key");
    try {
      Invariant inv{key, str(c, "severity"), str(c, "human"), rule.id, rule.steps,
                    fhirpath::Expression::parse(str(c, "expression"))};
      const auto missing = fhirpath::unsupportedFunctions(inv.expression);
      if (!missing.empty())
        throw std::runtime_error("calls " + missing.front() + "(), which the FHIRPath engine does not implement");
      return inv;
    } catch (const std::exception& ex) {
      throw std::runtime_error(file + ": invariant " + key + " of " + p.id + " (" + rule.id + "): " + ex.what());
    }
  }

  // R4 knows every element path of the profile.
  void checkPaths(const Profile& p) const {
    std::map<std::string, const ElementRule*> byId;
    for (const ElementRule& r : p.elements) byId[r.id] = &r;
    for (const ElementRule& r : p.elements) {
      std::set<std::string> cur{p.type};
      for (size_t i = 0; i < r.steps.size(); ++i) {
        const Step& s = r.steps[i];
        std::set<std::string> next;
        for (const std::string& t : cur) {
          if (t == "Resource") next.insert("Resource");
          const auto* elems = core.elementsOf(t);
          if (!elems) continue;
          const auto it = elems->find(s.name + (s.choice ? "[x]" : ""));
          if (it == elems->end()) continue;
          for (const std::string& ty : it->second) next.insert(ty);
        }
        if (next.empty())
          throw std::runtime_error("profile " + p.id + ": element " + r.id + " is not an R4 element of " + p.type);
        if (s.choice && next.size() > 1) narrowChoice(byId, idThrough(p.type, r.steps, i, true), s, next);
        cur = std::move(next);
      }
    }
  }

  // A choice narrowed by its slice (deceased[x]:deceasedBoolean) or by the
  // types the profile allows on it.
  static void narrowChoice(const std::map<std::string, const ElementRule*>& byId, const std::string& id,
                           const Step& s, std::set<std::string>& types) {
    std::set<std::string> keep;
    for (const std::string& t : types)
      if (!s.slice.empty() && s.name + capitalised(t) == s.slice) keep.insert(t);
    if (const auto it = byId.find(id); keep.empty() && it != byId.end())
      for (const TypeRule& t : it->second->types) keep.insert(t.code);
    if (!keep.empty()) types = std::move(keep);
  }

  // The loaded profiles p derives from, nearest first.
  std::vector<const Profile*> ancestors(const Profile& p) const {
    std::vector<const Profile*> out;
    for (auto it = profiles.find(baseOf.at(p.url)); it != profiles.end(); it = profiles.find(baseOf.at(it->second.url))) {
      if (std::find(out.begin(), out.end(), &it->second) != out.end()) break;  // a cycle: stop
      out.push_back(&it->second);
    }
    return out;
  }

  // Does the chain end at an R4 core definition (every parent loaded in full)?
  bool endsAtR4(const Profile& p) const {
    const auto up = ancestors(p);
    for (const Profile* q : up)
      if (partial.count(q->url)) return false;
    const std::string& top = baseOf.at(up.empty() ? p.url : up.back()->url);
    return top.rfind("http://hl7.org/fhir/StructureDefinition/", 0) == 0;
  }

  // Resolves every slice step to how its instances are matched: the slicing
  // may be the profile's own or an ancestor's, the slice's definition too
  // (the nearest profile's element wins).
  void resolveSlices(Profile& p) {
    const auto up = ancestors(p);
    std::map<std::string, const ElementRule*> byId;
    for (auto q = up.rbegin(); q != up.rend(); ++q)
      for (const ElementRule& r : (*q)->elements) byId[r.id] = &r;
    std::map<std::string, const ElementRule*> own;
    for (const ElementRule& r : p.elements) byId[r.id] = own[r.id] = &r;
    for (ElementRule& r : p.elements)
      for (size_t k = 0; k < r.steps.size(); ++k) {
        if (r.steps[k].slice.empty()) continue;
        const std::string sliced = idThrough(p.type, r.steps, k, false), slice = idThrough(p.type, r.steps, k, true);
        const Value* slicing = slicingIn(p, up, sliced);
        if (!slicing && endsAtR4(p))
          throw std::runtime_error("profile " + p.id + ": slice " + slice + " without slicing on " + sliced);
        if (!slicing || !definedInChain(byId, slice, *slicing)) {
          r.steps[k].unchecked = true;  // a parent profile's slice that is not loaded (DK-core)
          if (std::find(p.uncheckedSlices.begin(), p.uncheckedSlices.end(), r.id) == p.uncheckedSlices.end())
            p.uncheckedSlices.push_back(r.id);
          continue;
        }
        if (!p.sliceMatches.count(slice)) p.sliceMatches[slice] = sliceMatch(p, byId, *slicing, slice, r.steps[k]);
        if (k + 1 == r.steps.size())
          if (auto* parent = const_cast<ElementRule*>(own.count(sliced) ? own.at(sliced) : nullptr))
            parent->slices.push_back(r.steps[k].slice);
      }
    for (ElementRule& r : p.elements)
      for (size_t k = 0; k < r.steps.size(); ++k)
        if (!r.steps[k].slice.empty() && !r.steps[k].unchecked)
          r.steps[k].match = &p.sliceMatches.at(idThrough(p.type, r.steps, k, true));
  }

  const Value* slicingIn(const Profile& p, const std::vector<const Profile*>& up, const std::string& sliced) {
    if (const auto it = slicingOf[p.url].find(sliced); it != slicingOf[p.url].end()) return it->second;
    for (const Profile* q : up)
      if (const auto it = slicingOf[q->url].find(sliced); it != slicingOf[q->url].end()) return it->second;
    return nullptr;
  }

  // Does a loaded profile define what tells the slice's instances apart?
  static bool definedInChain(const std::map<std::string, const ElementRule*>& byId, const std::string& slice,
                             const Value& slicing) {
    const Value* ds = util::jsonMember(slicing, "discriminator");
    if (!ds || !ds->IsArray() || ds->Size() != 1) return true;  // sliceMatch() says what is wrong
    const std::string path = str((*ds)[0], "path");
    const auto self = byId.find(slice);
    return byId.count(slice + "." + path) || (self != byId.end() && !self->second->types.empty());
  }

  SliceMatch sliceMatch(const Profile& p, const std::map<std::string, const ElementRule*>& byId, const Value& slicing,
                        const std::string& slice, const Step& step) const {
    const Value* ds = util::jsonMember(slicing, "discriminator");
    if (!ds || !ds->IsArray() || ds->Size() != 1)
      throw std::runtime_error("profile " + p.id + ": slicing of " + slice + " needs exactly one discriminator");
    const std::string type = str((*ds)[0], "type"), path = str((*ds)[0], "path");
    const auto rule = [&byId](const std::string& id) { return byId.count(id) ? byId.at(id) : nullptr; };
    SliceMatch m;
    m.path = path;
    if ((type == "value" || type == "pattern") && path != "$this") {
      m.kind = SliceMatch::Kind::kValue;
      if (const ElementRule* child = rule(slice + "." + path); child && child->fixed && child->fixed->IsString()) {
        m.value = child->fixed->GetString();
      } else if (const ElementRule* self = rule(slice); path == "url" && self) {
        for (const TypeRule& t : self->types)
          for (const std::string& url : t.profiles)
            if (const auto it = profiles.find(url); it != profiles.end()) m.value = it->second.extensionUrl;
            else m.value = url;  // an extension defined elsewhere: its url is its canonical
      }
      if (m.value.empty()) throw std::runtime_error("profile " + p.id + ": slice " + slice + " has no value for " + path);
      return m;
    }
    if (type == "type" && path == "$this") {
      m.kind = SliceMatch::Kind::kChoiceType;
      const ElementRule* self = rule(slice);
      if (!self || self->types.size() != 1) throw std::runtime_error("profile " + p.id + ": type slice " + slice + " needs one type");
      m.member = step.name + capitalised(self->types.front().code);
      return m;
    }
    if (type == "profile") {
      m.kind = SliceMatch::Kind::kProfile;
      if (const ElementRule* child = rule(slice + "." + path))
        for (const TypeRule& t : child->types) m.profiles.insert(m.profiles.end(), t.profiles.begin(), t.profiles.end());
      if (m.profiles.empty()) throw std::runtime_error("profile " + p.id + ": profile slice " + slice + " names no profile");
      return m;
    }
    throw std::runtime_error("profile " + p.id + ": slice " + slice + ": discriminator " + type + " on " + path +
                             " is not implemented");
  }
};

}  // namespace

std::vector<Step> parseElementId(std::string_view id) {
  std::vector<Step> out;
  size_t i = id.find('.');
  while (i != std::string_view::npos) {
    const size_t j = id.find('.', i + 1);
    std::string_view part = id.substr(i + 1, j == std::string_view::npos ? std::string_view::npos : j - i - 1);
    Step s;
    if (const size_t colon = part.find(':'); colon != std::string_view::npos) {
      s.slice = std::string(part.substr(colon + 1));
      part = part.substr(0, colon);
    }
    if (part.size() > 3 && part.substr(part.size() - 3) == "[x]") {
      s.choice = true;
      part.remove_suffix(3);
    }
    s.name = std::string(part);
    out.push_back(std::move(s));
    i = j;
  }
  return out;
}

int PathTree::nodeAt(const std::vector<Step>& steps, size_t n) {
  int cur = 0;
  for (size_t k = 0; k < n; ++k) {
    const Step& s = steps[k];
    int next = -1;
    for (size_t i = 1; i < nodes.size() && next < 0; ++i) {
      const Step& t = nodes[i].step;
      if (nodes[i].parent == cur && t.name == s.name && t.choice == s.choice && t.match == s.match) next = static_cast<int>(i);
    }
    if (next < 0) {
      nodes.push_back({cur, s});
      next = static_cast<int>(nodes.size()) - 1;
    }
    cur = next;
  }
  return cur;
}

namespace {
// After the slices are resolved (a step's match is part of its node).
void compileTree(Profile& p) {
  for (ElementRule& r : p.elements) {
    const bool unchecked = std::any_of(r.steps.begin(), r.steps.end(), [](const Step& s) { return s.unchecked; });
    if (!r.steps.empty() && !unchecked) r.node = p.tree.nodeAt(r.steps, r.steps.size());
  }
  // An invariant's steps were copied when read, before its element's slices
  // were resolved: it takes them from its element, so an invariant on a slice
  // holds for the slice's instances only (not every instance of the sliced
  // element); below a slice a parent profile defines, it is not evaluated
  // (the slice is listed by uncheckedSlices()).
  for (Invariant& inv : p.invariants) {
    for (const ElementRule& r : p.elements)
      if (r.id == inv.elementId) inv.steps = r.steps;
    const bool unchecked = std::any_of(inv.steps.begin(), inv.steps.end(), [](const Step& s) { return s.unchecked; });
    inv.node = unchecked ? -1 : p.tree.nodeAt(inv.steps, inv.steps.size());
  }
}
}  // namespace

std::shared_ptr<const ProfileSet> ProfileSet::load(const std::string& igDir, const std::string& terminologyFile,
                                                   const std::string& coreFile) {
  return load(std::vector<std::string>{igDir}, terminologyFile, coreFile);
}

std::shared_ptr<const ProfileSet> ProfileSet::load(const std::vector<std::string>& dirs,
                                                   const std::string& terminologyFile, const std::string& coreFile) {
  auto set = std::make_shared<ProfileSet>();
  set->terminology_ = Terminology::load(terminologyFile);
  set->core_ = CoreDefs::load(coreFile);
  const CoreIndex core(set->core_);
  Loader loader{core, set->profiles_, {}, {}, {}, {}};
  std::vector<fs::path> files;
  for (const std::string& igDir : dirs) {
    if (!fs::is_directory(igDir)) throw std::runtime_error(igDir + ": no such folder of profiles");
    for (const auto& f : fs::directory_iterator(igDir)) files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    const std::string name = f.filename().string();
    if (name.rfind("StructureDefinition-", 0) == 0) {
      loader.readProfile(f);
    } else if (name.rfind("ValueSet-", 0) == 0) {
      const auto vs = readJsonFile(f.string());
      if (!set->terminology_.has(str(vs, "url")))
        throw std::runtime_error(f.string() + ": value set " + str(vs, "url") + " has no expansion in terminology.json");
    }
  }
  if (set->profiles_.empty()) throw std::runtime_error(dirs.front() + ": no StructureDefinition");
  for (auto& [url, p] : set->profiles_) {
    loader.checkPaths(p);
    loader.resolveSlices(p);
    p.base = loader.ancestors(p).empty() ? nullptr : loader.ancestors(p).front();
    compileTree(p);
    p.resource = set->core_.resourceTypes.count(p.type) > 0;
    for (const ElementRule& r : p.elements)
      if (!r.binding.empty() && !set->terminology_.has(r.binding))
        throw std::runtime_error("profile " + p.id + ": " + r.id + " binds " + r.binding + ", which has no expansion");
  }
  set->indexCoreInvariants();
  for (const auto& [url, p] : set->profiles_) set->byUrl_[url] = &p;
  return set;
}

void ProfileSet::indexCoreInvariants() {
  // What adapters/kl_gateway/core_validator.cpp checks in C++ (its header).
  static const std::set<std::string> kInCpp = {"ele-1", "ext-1", "per-1", "dom-2",  "dom-3",  "dom-4",  "dom-5",
                                               "cpl-3", "bdl-1", "bdl-2", "bdl-3",  "bdl-4",  "bdl-5",  "bdl-7",
                                               "bdl-8", "bdl-9", "bdl-10", "bdl-11", "bdl-12"};
  for (const CoreInvariant& c : core_.invariants) {
    const std::string type = c.context.substr(0, c.context.find('.'));
    if (kInCpp.count(c.key)) {
      unevaluated_.push_back(c.key + ": in C++ (core_validator.cpp)");
    } else if (!core_.resourceTypes.count(type)) {
      unevaluated_.push_back(c.key + ": a data type's (" + c.context + "), not walked");
    } else {
      try {
        Invariant inv{c.key, c.severity, c.human, c.context, parseElementId(c.context),
                      fhirpath::Expression::parse(c.expression)};
        if (const auto missing = fhirpath::unsupportedFunctions(inv.expression); !missing.empty())
          unevaluated_.push_back(c.key + ": calls " + missing.front() + "()");
        else {
          inv.node = coreTrees_[type].nodeAt(inv.steps, inv.steps.size());
          coreInvariants_[type].push_back(std::move(inv));
        }
      } catch (const fhirpath::ParseError& e) {
        unevaluated_.push_back(c.key + ": " + e.what());
      }
    }
  }
}

const PathTree* ProfileSet::coreTree(std::string_view resourceType) const {
  const auto it = coreTrees_.find(resourceType);
  return it == coreTrees_.end() ? nullptr : &it->second;
}

const Profile* ProfileSet::find(std::string_view url) const {
  const auto it = byUrl_.find(canonicalWithoutVersion(url));
  return it == byUrl_.end() ? nullptr : it->second;
}

std::vector<std::string> ProfileSet::uncheckedSlices() const {
  std::vector<std::string> out;
  for (const auto& [url, p] : profiles_)
    for (const std::string& id : p.uncheckedSlices) out.push_back(p.id + ": " + id);
  return out;
}

}  // namespace reghub::kl_gateway
