#include "hub/ingest/document_check.h"

#include <rapidjson/document.h>

#include "hub/ingest/r4_types.h"
#include "hub/util/json_access.h"

namespace reghub::ingest {

namespace {

using rapidjson::Value;

std::string typeProblem(std::string_view type) {
  std::string m = "resourceType '" + std::string(type.substr(0, 64)) + (type.size() > 64 ? "…" : "") +
                  "' is not a FHIR R4 resource type";
  if (const std::string near = closestR4ResourceType(type); !near.empty()) m += " (did you mean '" + near + "'?)";
  return m + "; the document is not read — correct the resourceType and send it again";
}

void checkBundle(const Value& bundle, const std::string& path, std::vector<DocumentProblem>& out) {
  const Value* entries = util::jsonMember(bundle, "entry");
  if (!entries || !entries->IsArray()) return;  // a wrong shape is the model builder's HUB-FHIR-01
  int i = 0;
  for (const Value& entry : entries->GetArray()) {
    const std::string at = path + ".entry[" + std::to_string(i++) + "].resource";
    const Value* r = util::jsonMember(entry, "resource");
    if (!r || !r->IsObject()) continue;  // HUB-FHIR-01, said when the Bundle is unpacked
    const Value* type = util::jsonMember(*r, "resourceType");
    if (!type || !type->IsString()) {
      out.push_back({"HUB-INGEST-04", at,
                     "the entry's resource has no \"resourceType\"; every FHIR resource needs one — the document is "
                     "not read"});
      continue;
    }
    const std::string_view name(type->GetString(), type->GetStringLength());
    if (!isR4ResourceType(name))
      out.push_back({"HUB-INGEST-04", at, typeProblem(name)});
    else if (name == "Bundle")
      checkBundle(*r, at, out);
  }
}

std::string sizeText(size_t n) {
  return std::to_string(n) + " bytes";
}

// Walks the DOM keeping two paths: the document's ("Bundle.entry[0].resource.name[0].family",
// where the diagnostic points) and the element's within its resource ("Patient.name[0].family",
// what a person looks for in the case system).
class LongStrings {
 public:
  explicit LongStrings(std::vector<DocumentProblem>& out) : out_(out) {}

  void value(const Value& v, const std::string& path, const std::string& element) {
    if (v.IsString()) {
      if (v.GetStringLength() > kMaxFhirStringBytes) report(path, element, v.GetStringLength());
    } else if (v.IsArray()) {
      int i = 0;
      for (const Value& e : v.GetArray()) {
        const std::string idx = "[" + std::to_string(i++) + "]";
        value(e, path + idx, element + idx);
      }
    } else if (v.IsObject()) {
      object(v, path, element);
    }
  }

 private:
  void object(const Value& obj, const std::string& path, const std::string& element) {
    // A resource (the document, an entry's or a contained one) starts its own element path.
    const Value* type = util::jsonMember(obj, "resourceType");
    const std::string base = type && type->IsString() ? std::string(type->GetString()).substr(0, 64) : element;
    for (const auto& m : obj.GetObject()) {
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (name.size() > kMaxFhirStringBytes) {
        report(path, base, name.size(), " (a member name)");
        continue;
      }
      if (isUnlimitedStringElement(name)) continue;
      const std::string step = "." + std::string(name);
      value(m.value, (path.empty() ? base : path) + step, base + step);
    }
  }

  void report(const std::string& path, const std::string& element, size_t n, const char* what = "") {
    out_.push_back({"HUB-INGEST-07", path,
                    element + what + " is " + sizeText(n) +
                        ", over FHIR R4's limit for a string (1 MB = " + sizeText(kMaxFhirStringBytes) +
                        "); the document is not read — shorten it, or send file content as an Attachment "
                        "(base64Binary `data`)"});
  }

  std::vector<DocumentProblem>& out_;
};

}  // namespace

std::vector<DocumentProblem> checkResourceTypes(const Value& root) {
  std::vector<DocumentProblem> out;
  const Value* type = util::jsonMember(root, "resourceType");
  if (!type || !type->IsString()) return out;
  const std::string_view name(type->GetString(), type->GetStringLength());
  if (!isR4ResourceType(name))
    out.push_back({"HUB-INGEST-04", "", typeProblem(name)});
  else if (name == "Bundle")
    checkBundle(root, "Bundle", out);
  return out;
}

std::vector<DocumentProblem> findOversizedStrings(const Value& root) {
  std::vector<DocumentProblem> out;
  LongStrings(out).value(root, "", "");
  return out;
}

}  // namespace reghub::ingest
