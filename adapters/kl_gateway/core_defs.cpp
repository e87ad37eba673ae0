#include "adapters/kl_gateway/core_defs.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "adapters/kl_gateway/json_file.h"

namespace reghub::kl_gateway {

namespace {

using rapidjson::Value;

std::string str(const Value& v, const char* name) {
  if (!v.IsObject()) return {};
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
}

const Value& need(const Value& v, const char* name, const std::string& file) {
  if (!v.IsObject() || !v.HasMember(name)) throw std::runtime_error(file + ": missing '" + name + "'");
  return v[name];
}

PrimitiveDef::Fast fastKind(std::string_view type) {
  using F = PrimitiveDef::Fast;
  if (type == "string" || type == "markdown") return F::kString;
  if (type == "uri" || type == "url" || type == "canonical") return F::kUri;
  if (type == "code") return F::kCode;
  if (type == "id") return F::kId;
  return F::kNone;
}

CoreType::Kind kindOf(std::string_view type) {
  using K = CoreType::Kind;
  if (type == "Extension") return K::kExtension;
  if (type == "Period") return K::kPeriod;
  if (type == "CarePlan.activity") return K::kCarePlanActivity;
  return K::kPlain;
}

}  // namespace

CoreDefs CoreDefs::load(const std::string& file) {
  CoreDefs core;
  const auto d = readJsonFile(file);
  for (const auto& t : need(d, "types", file).GetObject()) {
    std::vector<ElementDef> elems;
    for (const auto& e : t.value.GetObject()) {
      ElementDef def;
      std::string name = e.name.GetString();
      std::string spec = e.value.GetString();
      if (name.size() > 3 && name.compare(name.size() - 3, 3, "[x]") == 0) {
        def.choice = true;
        name.resize(name.size() - 3);
      }
      def.name = name;
      const char last = spec.empty() ? ' ' : spec.back();
      if (last == '*' || last == '+' || last == '!') {
        def.many = last == '*' || last == '+';
        def.min = last == '+' || last == '!' ? 1 : 0;
        spec.pop_back();
      }
      size_t i = 0;
      while (i <= spec.size()) {
        const size_t j = spec.find('|', i);
        def.types.push_back(spec.substr(i, j == std::string::npos ? std::string::npos : j - i));
        if (j == std::string::npos) break;
        i = j + 1;
      }
      elems.push_back(std::move(def));
    }
    core.types[t.name.GetString()] = std::move(elems);
  }
  for (const auto& a : need(d, "aliases", file).GetObject()) core.aliases[a.name.GetString()] = a.value.GetString();
  for (const auto& o : need(d, "opaqueTypes", file).GetArray()) core.opaque.insert(o.GetString());
  for (const auto& r : need(d, "resourceTypes", file).GetArray()) core.resourceTypes.insert(r.GetString());
  for (const auto& p : need(d, "primitives", file).GetObject()) {
    PrimitiveDef def;
    def.json = str(p.value, "json");
    const std::string re = str(p.value, "regex");
    if (!re.empty()) def.regex.emplace(re);
    if (p.value.HasMember("min")) def.min = p.value["min"].GetInt64();
    def.calendar = p.value.HasMember("calendar") && p.value["calendar"].GetBool();
    def.name = p.name.GetString();
    core.primitives[p.name.GetString()] = std::move(def);
  }
  if (const auto it = d.FindMember("invariants"); it != d.MemberEnd() && it->value.IsArray())
    for (const auto& c : it->value.GetArray())
      core.invariants.push_back(
          {str(c, "context"), str(c, "key"), str(c, "severity"), str(c, "human"), str(c, "expression")});
  for (const auto& b : need(d, "bindings", file).GetObject())
    for (const auto& c : b.value.GetArray()) core.bindings[b.name.GetString()].insert(c.GetString());
  // Start-up check: every element type is known.
  for (const auto& [type, elems] : core.types)
    for (const ElementDef& e : elems)
      for (const std::string& t : e.types)
        if (!core.types.count(t) && !core.primitives.count(t) && !core.aliases.count(t) && !core.opaque.count(t) &&
            t != "Resource")
          throw std::runtime_error(file + ": " + type + "." + e.name + " has unknown type " + t);
  core.index();
  return core;
}

const ElementDef* CoreDefs::find(const std::string& type, std::string_view member, std::string* choiceType) const {
  auto t = types.find(type);
  if (t == types.end()) return nullptr;
  for (const ElementDef& e : t->second) {
    if (!e.choice) {
      if (e.name == member) return &e;
      continue;
    }
    if (member.size() <= e.name.size() || member.compare(0, e.name.size(), e.name) != 0) continue;
    const std::string_view suffix = member.substr(e.name.size());
    for (const std::string& ty : e.types) {
      if (ty.size() != suffix.size() || ty.empty()) continue;
      std::string up = ty;
      up[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(up[0])));
      if (up == suffix) {
        if (choiceType) *choiceType = ty;
        return &e;
      }
    }
  }
  return nullptr;
}

const CoreElement* CoreType::find(std::string_view member, const CoreTarget** target) const {
  for (const CoreElement& e : elements) {
    // The first character rules out most elements without a memcmp call.
    if (!member.empty() && !e.name.empty() && e.name[0] != member[0]) continue;
    if (!e.choice) {
      if (e.name != member) continue;
      *target = &e.targets.front();
      return &e;
    }
    if (member.size() <= e.name.size() || member.compare(0, e.name.size(), e.name) != 0) continue;
    const std::string_view suffix = member.substr(e.name.size());
    for (const CoreTarget& t : e.targets)
      if (t.suffix == suffix) {
        *target = &t;
        return &e;
      }
  }
  return nullptr;
}

const CoreType* CoreDefs::resourceType(std::string_view name) const {
  auto it = graph.find(name);
  return it != graph.end() && it->second.isResource ? &it->second : nullptr;
}

void CoreDefs::index() {
  for (const auto& p : primitives) primitives.at(p.first).fast = fastKind(p.first);
  // Nodes first (pointers into the map are stable), then their elements.
  for (const auto& [name, elems] : types) {
    CoreType& t = graph[name];
    t.name = name;
    t.kind = kindOf(name);
    t.isResource = resourceTypes.count(name) > 0;
  }
  for (const std::string& name : opaque) {
    CoreType& t = graph[name];
    t.name = name;
    t.kind = CoreType::Kind::kOpaque;
  }
  auto complexType = [this](const std::string& type) -> const CoreType* {
    auto a = aliases.find(type);
    auto it = graph.find(a == aliases.end() ? type : a->second);
    return it == graph.end() ? nullptr : &it->second;
  };
  for (const auto& [name, elems] : types) {
    CoreType& t = graph.at(name);
    for (const ElementDef& e : elems) {
      CoreElement ce;
      ce.name = e.name;
      ce.choice = e.choice;
      ce.many = e.many;
      ce.min = e.min;
      for (const std::string& ty : e.types) {
        CoreTarget target;
        if (e.choice && !ty.empty()) {
          target.suffix = ty;
          target.suffix[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(ty[0])));
        }
        if (auto p = primitives.find(ty); p != primitives.end()) {
          target.primitive = &p->second;
        } else if (ty == "Resource") {
          target.anyResource = true;
        } else {
          target.complex = complexType(ty);  // null: a type outside the graph, not checked
        }
        ce.targets.push_back(std::move(target));
      }
      const bool anyPrimitive =
          std::any_of(ce.targets.begin(), ce.targets.end(), [](const CoreTarget& x) { return x.primitive; });
      if (anyPrimitive) {
        ce.bindingPath = name + "." + e.name;
        if (auto b = bindings.find(ce.bindingPath); b != bindings.end()) ce.binding = &b->second;
      }
      t.elements.push_back(std::move(ce));
    }
  }
}

}  // namespace reghub::kl_gateway
