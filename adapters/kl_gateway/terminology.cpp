#include "adapters/kl_gateway/terminology.h"

#include <rapidjson/document.h>

#include <stdexcept>

#include "adapters/kl_gateway/json_file.h"
#include "hub/util/json_access.h"

namespace reghub::kl_gateway {

namespace {

std::string key(std::string_view system, std::string_view code) {
  std::string k(system);
  k += '|';
  k += code;
  return k;
}

std::string_view text(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* m = util::jsonMember(v, name);
  return m && m->IsString() ? std::string_view(m->GetString(), m->GetStringLength()) : std::string_view();
}

}  // namespace

std::string_view canonicalWithoutVersion(std::string_view url) {
  const size_t bar = url.find('|');
  return bar == std::string_view::npos ? url : url.substr(0, bar);
}

Terminology Terminology::load(const std::string& file) {
  const rapidjson::Document d = readJsonFile(file);
  const rapidjson::Value* sets = util::jsonMember(d, "valueSets");
  if (!sets || !sets->IsArray()) throw std::runtime_error(file + ": no \"valueSets\" array");
  Terminology t;
  for (const auto& vs : sets->GetArray()) {
    const std::string url(text(vs, "url"));
    const rapidjson::Value* expansion = util::jsonMember(vs, "expansion");
    if (url.empty() || !expansion || !expansion->IsArray())
      throw std::runtime_error(file + ": a value set without url or expansion");
    auto& codes = t.codes_[url];
    auto& bare = t.bare_[url];
    for (const auto& c : expansion->GetArray()) {
      if (text(c, "system").empty() || text(c, "code").empty())
        throw std::runtime_error(file + ": " + url + " has a code without system or code");
      codes.insert(key(text(c, "system"), text(c, "code")));
      bare.insert(std::string(text(c, "code")));
    }
  }
  return t;
}

bool Terminology::has(std::string_view valueSet) const {
  return codes_.find(canonicalWithoutVersion(valueSet)) != codes_.end();
}

bool Terminology::contains(std::string_view valueSet, std::string_view system, std::string_view code) const {
  const auto it = codes_.find(canonicalWithoutVersion(valueSet));
  if (it == codes_.end()) return false;
  thread_local std::string k;  // "system|code" without an allocation per look-up
  k.assign(system);
  k += '|';
  k += code;
  return it->second.count(std::string_view(k)) > 0;
}

bool Terminology::memberOf(const rapidjson::Value& node, std::string_view valueSet) const {
  if (node.IsString()) {  // a code: its system is the element's binding, not in the data
    const auto it = bare_.find(canonicalWithoutVersion(valueSet));
    return it != bare_.end() && it->second.count(std::string_view(node.GetString(), node.GetStringLength())) > 0;
  }
  if (!node.IsObject()) return false;
  if (const rapidjson::Value* codings = util::jsonMember(node, "coding"); codings && codings->IsArray()) {
    for (const auto& c : codings->GetArray())
      if (memberOf(c, valueSet)) return true;
    return false;
  }
  return contains(valueSet, text(node, "system"), text(node, "code"));
}

}  // namespace reghub::kl_gateway
