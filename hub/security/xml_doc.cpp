#include "hub/security/xml_doc.h"

#include <libxml/parser.h>
#include <libxml/valid.h>
#include <libxml/xmlsave.h>

#include <cstring>

namespace reghub::security {

XmlDocPtr parseXml(std::string_view text, std::string& error) {
  if (text.find("<!DOCTYPE") != std::string_view::npos || text.find("<!ENTITY") != std::string_view::npos) {
    error = "DOCTYPE/ENTITY is not allowed";
    return nullptr;
  }
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt) {
    error = "out of memory";
    return nullptr;
  }
  XmlDocPtr doc(xmlCtxtReadMemory(ctxt, text.data(), static_cast<int>(text.size()), "message.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* e = xmlCtxtGetLastError(ctxt);
    error = e && e->message ? "not well-formed XML at line " + std::to_string(e->line) + ": " + e->message
                            : "not well-formed XML";
    while (!error.empty() && error.back() == '\n') error.pop_back();
  }
  xmlFreeParserCtxt(ctxt);
  return doc;
}

std::string serializeXml(xmlDoc* doc) {
  xmlChar* buf = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc, &buf, &size, "UTF-8");
  std::string out(reinterpret_cast<const char*>(buf), static_cast<size_t>(size));
  xmlFree(buf);
  return out;
}

namespace {

bool registerOne(xmlDoc* doc, xmlAttr* attr, std::string& error) {
  xmlChar* value = xmlNodeListGetString(doc, attr->children, 1);
  const std::string v = value ? reinterpret_cast<const char*>(value) : "";
  xmlFree(value);
  if (v.empty()) {
    error = "an empty ID attribute";
    return false;
  }
  const xmlAttr* known = xmlGetID(doc, reinterpret_cast<const xmlChar*>(v.c_str()));
  if (known == attr) return true;  // registered by an earlier call
  if (known != nullptr) {
    error = "the ID '" + v + "' is used twice";
    return false;
  }
  xmlAddID(nullptr, doc, reinterpret_cast<const xmlChar*>(v.c_str()), attr);
  return true;
}

bool walk(xmlDoc* doc, xmlNode* n, std::string& error) {
  for (xmlNode* c = n; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    for (xmlAttr* a = c->properties; a; a = a->next) {
      const bool wsu = a->ns && std::strcmp(reinterpret_cast<const char*>(a->ns->href), ns::kWsu) == 0 &&
                       std::strcmp(reinterpret_cast<const char*>(a->name), "Id") == 0;
      const bool samlId = !a->ns && isElement(c, ns::kSaml, "Assertion") &&
                          std::strcmp(reinterpret_cast<const char*>(a->name), "ID") == 0;
      if ((wsu || samlId) && !registerOne(doc, a, error)) return false;
    }
    if (!walk(doc, c->children, error)) return false;
  }
  return true;
}

}  // namespace

bool registerIds(xmlDoc* doc, std::string& error) { return walk(doc, xmlDocGetRootElement(doc), error); }

xmlNode* elementById(xmlDoc* doc, std::string_view id) {
  const std::string v(id);
  xmlAttr* a = xmlGetID(doc, reinterpret_cast<const xmlChar*>(v.c_str()));
  return a ? a->parent : nullptr;
}

bool isElement(const xmlNode* n, const char* nsHref, const char* localName) {
  return n && n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), localName) == 0 &&
         n->ns && n->ns->href && std::strcmp(reinterpret_cast<const char*>(n->ns->href), nsHref) == 0;
}

xmlNode* firstChild(const xmlNode* parent, const char* nsHref, const char* localName) {
  for (xmlNode* c = parent ? parent->children : nullptr; c; c = c->next)
    if (isElement(c, nsHref, localName)) return c;
  return nullptr;
}

std::vector<xmlNode*> childElements(const xmlNode* parent) {
  std::vector<xmlNode*> v;
  for (xmlNode* c = parent ? parent->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) v.push_back(c);
  return v;
}

xmlNode* findDescendant(const xmlNode* root, const char* nsHref, const char* localName) {
  for (xmlNode* c = root ? root->children : nullptr; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (isElement(c, nsHref, localName)) return c;
    if (xmlNode* d = findDescendant(c, nsHref, localName)) return d;
  }
  return nullptr;
}

std::string textOf(const xmlNode* n) {
  if (!n) return {};
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  return s;
}

std::string attribute(const xmlNode* n, const char* nsHref, const char* name) {
  if (!n) return {};
  xmlChar* v = nsHref ? xmlGetNsProp(n, reinterpret_cast<const xmlChar*>(name), reinterpret_cast<const xmlChar*>(nsHref))
                      : xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

bool hasAttribute(const xmlNode* n, const char* nsHref, const char* name) {
  if (!n) return false;
  return nsHref ? xmlHasNsProp(n, reinterpret_cast<const xmlChar*>(name), reinterpret_cast<const xmlChar*>(nsHref))
                : xmlHasNsProp(n, reinterpret_cast<const xmlChar*>(name), nullptr);
}

std::string wsuId(const xmlNode* n) { return attribute(n, ns::kWsu, "Id"); }

std::string xmlEscape(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

}  // namespace reghub::security
