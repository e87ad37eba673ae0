#pragma once
// Null-safe reads of a RapidJSON object's members, shared by the readers
// of FHIR JSON (hub/ingest, adapters). Pure, header-only, thread-safe.
#include <rapidjson/document.h>

#include <string>

namespace reghub::util {

// The member `name` of `v`, or nullptr when `v` is not an object or has none.
inline const rapidjson::Value* jsonMember(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  const auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

// The string member `name` of `v`, or "" when absent or not a string.
inline std::string jsonString(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* m = jsonMember(v, name);
  return m && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : std::string();
}

}  // namespace reghub::util
