#include "adapters/kl_gateway/report_check.h"

#include <rapidjson/document.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace reghub::kl_gateway {

namespace {

// "…entry[3].resource.x" → 3 and ".x"; nullopt outside an entry. The innermost entry counts.
struct EntryAt {
  size_t index;
  std::string rest;
};
std::optional<EntryAt> entryOf(const std::string& path) {
  const auto at = path.rfind(".entry[");
  if (at == std::string::npos) return std::nullopt;
  const size_t close = path.find(']', at);
  if (close == std::string::npos) return std::nullopt;
  EntryAt e{static_cast<size_t>(std::strtoul(path.c_str() + at + 7, nullptr, 10)), ""};
  const std::string resource = "].resource";
  e.rest = path.compare(close, resource.size(), resource) == 0 ? path.substr(close + resource.size()) : "";
  return e;
}

std::string profileIdOf(const rapidjson::Value& resource) {
  if (!resource.IsObject() || !resource.HasMember("meta") || !resource["meta"].IsObject()) return {};
  const auto& meta = resource["meta"];
  if (!meta.HasMember("profile") || !meta["profile"].IsArray() || meta["profile"].Empty() ||
      !meta["profile"][0].IsString())
    return {};
  const std::string url = meta["profile"][0].GetString();
  return url.substr(url.rfind('/') + 1);
}

// The node at a path below a resource (".activity[0].detail.extension[1]"), or null.
const rapidjson::Value* at(const rapidjson::Value& resource, const std::string& rest) {
  const rapidjson::Value* v = &resource;
  size_t i = 0;
  while (v && i < rest.size() && rest[i] == '.') {
    const size_t end = rest.find_first_of(".[", i + 1);
    const std::string name = rest.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
    v = v->IsObject() && v->HasMember(name.c_str()) ? &(*v)[name.c_str()] : nullptr;
    i = end == std::string::npos ? rest.size() : end;
    if (v && i < rest.size() && rest[i] == '[') {
      const size_t idx = std::strtoul(rest.c_str() + i + 1, nullptr, 10);
      v = v->IsArray() && idx < v->Size() ? &(*v)[static_cast<rapidjson::SizeType>(idx)] : nullptr;
      i = rest.find(']', i);
      i = i == std::string::npos ? rest.size() : i + 1;
    }
  }
  return v;
}

// A finding on an extension's own definition ("Extension.value[x]") is that
// extension's rule: its profile is the url of the extension the path names.
std::string extensionProfile(const rapidjson::Value& resource, const std::string& rest) {
  const auto e = rest.rfind(".extension[");
  if (e == std::string::npos) return {};
  const auto close = rest.find(']', e);
  const rapidjson::Value* x = at(resource, rest.substr(0, close + 1));
  if (!x || !x->IsObject() || !x->HasMember("url") || !(*x)["url"].IsString()) return {};
  const std::string url = (*x)["url"].GetString();
  return url.substr(url.rfind('/') + 1);
}

// The validator's message starts with the profile (or core invariant) it judged by: "dk-core-cpr-identifier: …".
std::string messageProfile(const std::string& message) {
  const auto colon = message.find(": ");
  return colon == std::string::npos || message.find(' ') < colon ? std::string() : message.substr(0, colon);
}

// "Bundle/<id>": where the validator roots its findings.
std::string idOf(const rapidjson::Value& doc) {
  std::string out;
  for (const char* k : {"resourceType", "id"}) {
    if (!out.empty()) out += '/';
    if (doc.IsObject() && doc.HasMember(k) && doc[k].IsString()) out += doc[k].GetString();
  }
  return out;
}

bool isBundle(const rapidjson::Value* v) {
  return v && v->IsObject() && v->HasMember("resourceType") && (*v)["resourceType"] == "Bundle";
}

// Renames each finding to its IG rule, the rule's message first.
class RuleSink final : public diag::Sink {
 public:
  RuleSink(diag::Sink& next, const RuleMap& rules, const rapidjson::Value& bundle,
            const std::vector<const ViewResource*>* entries)
      : next_(next), rules_(rules), bundle_(bundle), entries_(entries) {}
  void report(diag::Diagnostic d) override {
    const auto dot = d.path.find('.');
    const std::string rest = dot == std::string::npos ? std::string() : d.path.substr(dot);
    std::string profile = profileIdOf(bundle_), typeProfile;
    if (d.field.rfind("Bundle", 0) == 0) {
      // A Bundle's own element: the Bundle the finding is on, or the one holding the entry it names.
      const rapidjson::Value* here = at(bundle_, rest);
      const auto e = rest.rfind(".entry[");
      if (!isBundle(here) && e != std::string::npos) here = at(bundle_, rest.substr(0, e));
      if (isBundle(here)) profile = profileIdOf(*here);
    } else if (const auto r = rest.rfind("].resource"); r != std::string::npos) {
      const std::string resourcePath = rest.substr(0, r + 10);
      if (const rapidjson::Value* res = at(bundle_, resourcePath)) {
        profile = profileIdOf(*res);
        if (d.field.rfind("Extension", 0) == 0)
          if (const std::string x = extensionProfile(*res, rest.substr(r + 10)); !x.empty()) profile = x;
      }
      typeProfile = messageProfile(d.message);
      // The hub's own reports: the finding is at the sender's resource.
      const auto e = entryOf(rest);
      if (entries_ && e && rest.find("].resource") == r && e->index < entries_->size() && (*entries_)[e->index]) {
        const ViewResource& v = *(*entries_)[e->index];
        d.path = v.source.reference + e->rest;
        d.forloeb = v.key;
        if (!v.source.file.empty()) {
          d.file = v.source.file;
          d.line = v.source.line;
        }
      }
    }
    const RuleText& rule = rules_.ruleOf(d.rule, messageProfile(d.message), profile, typeProfile, d.field);
    d.message = rule.message + " (" + d.rule + ": " + d.message + ")";
    d.rule = rule.id;
    next_.report(std::move(d));
  }

 private:
  diag::Sink& next_;
  const RuleMap& rules_;
  const rapidjson::Value& bundle_;
  const std::vector<const ViewResource*>* entries_;
};

diag::Reporter rebase(const diag::Reporter& out, diag::Sink& sink) {
  const diag::Diagnostic c = out.context();
  return diag::Reporter(sink, c.registry).withFile(c.file, c.line).withCitizen(c.citizen).withForloeb(c.forloeb).withPath(c.path);
}

}  // namespace

void checkReport(const rapidjson::Value& bundle, const ProfileValidator& validator, const RuleMap& rules,
                 const diag::Reporter& out, const std::vector<const ViewResource*>* entries,
                 const CodeDisplays* displays) {
  RuleSink sink(out.sink(), rules, bundle, entries);
  const diag::Reporter renamed = rebase(out, sink);
  validator.validate(bundle, renamed);
  if (displays) checkDisplays(bundle, *displays, renamed.at(idOf(bundle)));
}

}  // namespace reghub::kl_gateway
