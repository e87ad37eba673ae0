#pragma once
// libxml2 helpers for the security code: parse untrusted XML safely (no
// DTD, no entities, no network), register the ID attributes WS-Security
// and SAML use (wsu:Id, saml:Assertion/@ID) so same-document references
// resolve, and walk elements by namespace + local name.
// Functions are thread-safe on distinct documents; no I/O.
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace reghub::security {

namespace ns {
inline constexpr const char* kSoap11 = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr const char* kSoap12 = "http://www.w3.org/2003/05/soap-envelope";
inline constexpr const char* kWsse =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
inline constexpr const char* kWsse11 = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
inline constexpr const char* kWsu =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
inline constexpr const char* kWsa = "http://www.w3.org/2005/08/addressing";
inline constexpr const char* kWst = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
inline constexpr const char* kWsp = "http://schemas.xmlsoap.org/ws/2004/09/policy";
inline constexpr const char* kDs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr const char* kSaml = "urn:oasis:names:tc:SAML:2.0:assertion";
inline constexpr const char* kXenc = "http://www.w3.org/2001/04/xmlenc#";
}  // namespace ns

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;

// Parses `text`; a DOCTYPE is refused (XXE, entity expansion). On failure
// returns null and sets `error` to where and what.
XmlDocPtr parseXml(std::string_view text, std::string& error);
// The document as bytes, exactly as the tree holds it (no reformatting:
// signed parts must not change).
std::string serializeXml(xmlDoc* doc);

// Registers every wsu:Id and every saml:Assertion/@ID as an XML ID. A value
// used twice is refused (signature wrapping relies on duplicates): returns
// false and sets `error`.
bool registerIds(xmlDoc* doc, std::string& error);
// The element whose registered ID is `id`, or null.
xmlNode* elementById(xmlDoc* doc, std::string_view id);

bool isElement(const xmlNode* n, const char* nsHref, const char* localName);
xmlNode* firstChild(const xmlNode* parent, const char* nsHref, const char* localName);
std::vector<xmlNode*> childElements(const xmlNode* parent);
// Depth-first, first match below `root` (not `root` itself).
xmlNode* findDescendant(const xmlNode* root, const char* nsHref, const char* localName);
std::string textOf(const xmlNode* n);
// Attribute value; nsHref null = an attribute without namespace. Empty if absent.
std::string attribute(const xmlNode* n, const char* nsHref, const char* name);
bool hasAttribute(const xmlNode* n, const char* nsHref, const char* name);
std::string wsuId(const xmlNode* n);

// Escapes text for element content and attribute values.
std::string xmlEscape(std::string_view s);

}  // namespace reghub::security
