#include "hub/ingest/xml_to_json.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <string>

namespace reghub::ingest {

namespace {

// libxml2's text without its advice to programmers ("use XML_PARSE_HUGE
// option" means the document exceeds a limit the hub keeps on purpose).
std::string userMessage(std::string m) {
  const auto trim = [&m] {
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ' || m.back() == ',')) m.pop_back();
  };
  trim();
  if (const auto at = m.find("use XML_PARSE_HUGE option"); at != std::string::npos) {
    m.erase(at);
    trim();
    m += " (beyond the hub's limit for FHIR XML; split the document)";
  }
  return m;
}


using rapidjson::Value;

constexpr const char* kFhirNs = "http://hl7.org/fhir";

// FHIR R4 elements with max cardinality * among the resources and data
// types the hub reads; in JSON they are arrays even with one element.
// (Elements repeated in one parent become arrays whatever their name.)
const std::set<std::string, std::less<>> kRepeating = {
    "identifier", "name",        "telecom",       "address",      "given",          "prefix",
    "suffix",     "line",        "contact",       "extension",    "modifierExtension", "coding",
    "entry",      "link",        "item",          "answer",       "type",           "profile",
    "tag",        "security",    "activity",      "reasonCode",   "reasonReference", "participant",
    "basedOn",    "partOf",      "category",      "episodeOfCare", "note",          "instantiatesCanonical",
    "instantiatesUri", "diagnosis", "statusHistory", "classHistory", "location",     "contained",
    "performer",  "goal",        "addresses",     "supportingInfo", "replaces",     "careTeam",
    "referralRequest", "team",   "account",       "communication", "generalPractitioner", "photo",
    "alias",      "endpoint",    "contributor",   "issue",        "expression",     "signature",
    "outcomeCodeableConcept", "outcomeReference", "progress", "serviceType", "specialty"};

const std::set<std::string, std::less<>> kBoolean = {"active", "valueBoolean", "deceasedBoolean",
                                                     "multipleBirthBoolean", "doNotPerform", "userSelected"};
const std::set<std::string, std::less<>> kInteger = {"valueInteger", "valueUnsignedInt", "valuePositiveInt",
                                                     "multipleBirthInteger", "total", "rank"};

std::string name(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

std::string attr(const xmlNode* n, const char* key, bool& found) {
  xmlChar* v = xmlGetNoNsProp(const_cast<xmlNode*>(n), reinterpret_cast<const xmlChar*>(key));
  found = v != nullptr;
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

bool isFhir(const xmlNode* n) {
  return n->ns && n->ns->href && std::strcmp(reinterpret_cast<const char*>(n->ns->href), kFhirNs) == 0;
}

class Converter {
 public:
  Converter(rapidjson::Document::AllocatorType& a, unsigned maxDepth, XmlError& err)
      : alloc_(a), max_(maxDepth), err_(err) {}

  bool resource(const xmlNode* n, Value& out, unsigned depth) {
    if (!isFhir(n)) return fail(n, "element <" + name(n) + "> is not in the FHIR namespace (xmlns=\"http://hl7.org/fhir\")");
    out.SetObject();
    out.AddMember("resourceType", Value(name(n).c_str(), alloc_), alloc_);
    return children(n, out, depth + 1);
  }

 private:
  bool fail(const xmlNode* n, std::string message) {
    err_.message = std::move(message);
    err_.line = n ? static_cast<int>(xmlGetLineNo(n)) : 0;
    return false;
  }

  bool children(const xmlNode* n, Value& obj, unsigned depth) {
    if (depth > max_) return fail(n, "XML nested deeper than " + std::to_string(max_) + " levels");
    bool found = false;
    const std::string id = attr(n, "id", found);
    if (found) {
      obj.AddMember("id", Value(id.c_str(), alloc_), alloc_);
      note(id);
    }
    const std::string url = attr(n, "url", found);
    if (found) {
      obj.AddMember("url", Value(url.c_str(), alloc_), alloc_);
      note(url);
    }
    for (const xmlNode* c = n->children; c; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_COMMENT_NODE) {
        if (c->type == XML_TEXT_NODE && c->content) {
          for (const xmlChar* p = c->content; *p; ++p)
            if (!std::isspace(*p)) return fail(c, "text outside an element value; FHIR XML carries values in value=\"…\"");
        }
        continue;
      }
      if (c->type != XML_ELEMENT_NODE) continue;
      const std::string key = name(c);
      Value v;
      if (key == "div") {
        v.SetString(serialize(c).c_str(), alloc_);
      } else if (key == "resource" || key == "contained") {
        const xmlNode* inner = c->children;
        while (inner && inner->type != XML_ELEMENT_NODE) inner = inner->next;
        if (!inner) return fail(c, "<" + key + "> holds no resource");
        if (!resource(inner, v, depth + 1)) return false;
      } else {
        if (!element(c, key, v, depth + 1)) return false;
      }
      add(obj, key, v);
    }
    return true;
  }

  bool element(const xmlNode* c, const std::string& key, Value& v, unsigned depth) {
    if (depth > max_) return fail(c, "XML nested deeper than " + std::to_string(max_) + " levels");
    bool hasValue = false;
    const std::string value = attr(c, "value", hasValue);
    bool hasChildElements = false;
    for (const xmlNode* k = c->children; k; k = k->next)
      if (k->type == XML_ELEMENT_NODE) hasChildElements = true;
    bool hasId = false;
    attr(c, "id", hasId);
    bool hasUrl = false;
    attr(c, "url", hasUrl);
    if (hasValue && !hasChildElements && !hasId) {
      // Primitive: JSON type by element name.
      if (kBoolean.count(key)) {
        if (value != "true" && value != "false") return fail(c, "<" + key + "> must be true or false");
        v.SetBool(value == "true");
      } else if (kInteger.count(key)) {
        char* end = nullptr;
        const long long i = std::strtoll(value.c_str(), &end, 10);
        if (value.empty() || *end) return fail(c, "<" + key + "> must be an integer");
        v.SetInt64(i);
      } else if (key == "valueDecimal") {
        char* end = nullptr;
        const double d = std::strtod(value.c_str(), &end);
        if (value.empty() || *end) return fail(c, "<" + key + "> must be a decimal");
        v.SetDouble(d);
      } else {
        v.SetString(value.c_str(), alloc_);
        note(value);
      }
      return true;
    }
    v.SetObject();
    // A primitive with extensions or id would need JSON's _element form;
    // the hub keeps the value and the children as an object.
    if (hasValue) {
      v.AddMember("value", Value(value.c_str(), alloc_), alloc_);
      note(value);
    }
    return children(c, v, depth);
  }

  void add(Value& obj, const std::string& key, Value& v) {
    auto it = obj.FindMember(key.c_str());
    if (it == obj.MemberEnd()) {
      if (kRepeating.count(key)) {
        Value arr(rapidjson::kArrayType);
        arr.PushBack(v, alloc_);
        obj.AddMember(Value(key.c_str(), alloc_), arr, alloc_);
      } else {
        obj.AddMember(Value(key.c_str(), alloc_), v, alloc_);
      }
      return;
    }
    if (!it->value.IsArray()) {
      Value arr(rapidjson::kArrayType);
      arr.PushBack(it->value, alloc_);
      it->value = arr;
    }
    it->value.PushBack(v, alloc_);
  }

  static std::string serialize(const xmlNode* n) {
    std::unique_ptr<xmlBuffer, void (*)(xmlBufferPtr)> buf(xmlBufferCreate(), &xmlBufferFree);
    xmlNodeDump(buf.get(), n->doc, const_cast<xmlNode*>(n), 0, 0);
    return reinterpret_cast<const char*>(xmlBufferContent(buf.get()));
  }

  // The narrative (xhtml) is not a FHIR string, so only attribute values count.
  void note(const std::string& s) { longest_ = std::max(longest_, s.size()); }

  rapidjson::Document::AllocatorType& alloc_;
  unsigned max_;
  XmlError& err_;
  size_t longest_ = 0;

 public:
  size_t longest() const { return longest_; }
};

}  // namespace

bool xmlToFhirJson(std::string_view bytes, rapidjson::Document& out, XmlError& error, unsigned maxDepth,
                   size_t* longestValue) {
  // Refuse any DTD before libxml2 sees it: no external entities (XXE), no
  // entity expansion (billion laughs). FHIR XML never needs a DOCTYPE.
  if (bytes.find("<!DOCTYPE") != std::string_view::npos || bytes.find("<!ENTITY") != std::string_view::npos) {
    error.message = "a DOCTYPE/ENTITY declaration is not allowed in FHIR XML (refused: external entities and entity "
                    "expansion are a security risk); remove the DOCTYPE";
    size_t at = bytes.find("<!");
    error.line = 1;
    for (size_t i = 0; i < at && i < bytes.size(); ++i)
      if (bytes[i] == '\n') ++error.line;
    return false;
  }
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    error.message = "document too large";
    return false;
  }
  std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> ctxt(xmlNewParserCtxt(), &xmlFreeParserCtxt);
  if (!ctxt) {
    error.message = "out of memory";
    return false;
  }
  // NONET: never fetch anything; no NOENT (entities are not substituted),
  // no DTDLOAD/DTDATTR; NOERROR/NOWARNING: errors come back here, not on stderr.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> doc(
      xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), "input.xml", "UTF-8", options),
      &xmlFreeDoc);
  if (!doc) {
    const xmlError* e = xmlCtxtGetLastError(ctxt.get());
    error.message = userMessage(e && e->message ? e->message : "malformed XML");
    error.line = e ? e->line : 0;
    error.column = e ? e->int2 : 0;
    return false;
  }
  if (doc->intSubset || doc->extSubset) {
    error.message = "a DOCTYPE is not allowed in FHIR XML";
    return false;
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) {
    error.message = "no root element";
    return false;
  }
  Converter conv(out.GetAllocator(), maxDepth, error);
  const bool ok = conv.resource(root, out, 0);
  if (longestValue) *longestValue = conv.longest();
  return ok;
}

}  // namespace reghub::ingest
