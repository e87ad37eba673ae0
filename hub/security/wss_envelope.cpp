#include "hub/security/wss_envelope.h"

#include <stdexcept>

#include "hub/security/codec.h"
#include "hub/security/xml_doc.h"
#include "hub/security/xml_signature.h"

namespace reghub::security {

namespace {

struct Parts {
  std::string header;          // wsa headers
  std::string securityTokens;  // BST / assertion + STR, before the signature
  std::vector<ReferenceSpec> refs;
  std::string keyInfo;
};

std::string wsaHeaders(const WsaHeaders& wsa, const std::string& messageId, std::vector<ReferenceSpec>& refs) {
  std::string h = "<wsa:Action wsu:Id=\"_wsa-action\">" + xmlEscape(wsa.action) + "</wsa:Action>" +
                  "<wsa:MessageID wsu:Id=\"_wsa-messageid\">" + xmlEscape(messageId) + "</wsa:MessageID>" +
                  "<wsa:To wsu:Id=\"_wsa-to\">" + xmlEscape(wsa.to) + "</wsa:To>";
  refs.push_back({"_wsa-action"});
  refs.push_back({"_wsa-messageid"});
  refs.push_back({"_wsa-to"});
  if (wsa.replyTo) {
    h += std::string("<wsa:ReplyTo wsu:Id=\"_wsa-replyto\"><wsa:Address>") + kAnonymous + "</wsa:Address></wsa:ReplyTo>";
    refs.push_back({"_wsa-replyto"});
  }
  return h;
}

SecuredRequest assemble(SoapVersion version, const WsaHeaders& wsa, const std::string& bodyXml, Parts parts,
                        const Credentials& key, std::chrono::system_clock::time_point now,
                        std::chrono::seconds validity) {
  const std::string messageId = wsa.messageId.empty() ? "urn:uuid:" + randomUuid() : wsa.messageId;
  std::vector<ReferenceSpec> refs;
  const std::string header = wsaHeaders(wsa, messageId, refs);
  const std::string timestamp = "<wsu:Timestamp wsu:Id=\"_ts\"><wsu:Created>" + formatUtc(now) +
                                "</wsu:Created><wsu:Expires>" + formatUtc(now + validity) +
                                "</wsu:Expires></wsu:Timestamp>";
  refs.push_back({"_ts"});
  refs.insert(refs.end(), parts.refs.begin(), parts.refs.end());
  refs.push_back({"_body"});
  const char* soap = soapNamespace(version);
  const std::string text = std::string("<s:Envelope xmlns:s=\"") + soap + "\" xmlns:wsa=\"" + ns::kWsa +
                           "\" xmlns:wsse=\"" + ns::kWsse + "\" xmlns:wsu=\"" + ns::kWsu + "\"><s:Header>" + header +
                           "<wsse:Security s:mustUnderstand=\"1\">" + timestamp + parts.securityTokens +
                           signatureTemplate(refs, parts.keyInfo) + "</wsse:Security></s:Header><s:Body wsu:Id=\"_body\">" +
                           bodyXml + "</s:Body></s:Envelope>";
  std::string error;
  XmlDocPtr doc = parseXml(text, error);
  if (!doc) throw std::invalid_argument("the request is not well-formed XML (body or assertion): " + error);
  xmlNode* security = findDescendant(xmlDocGetRootElement(doc.get()), ns::kWsse, "Security");
  sign(doc.get(), firstChild(security, ns::kDs, "Signature"), key);
  SecuredRequest out;
  out.envelope = serializeXml(doc.get());
  out.messageId = messageId;
  out.contentType = soapContentType(version, wsa.action);
  out.headers = soapHeaders(version, wsa.action);
  return out;
}

// The token's ID, parsed once per token and thread: a worker sends the same
// token with every call of its lifetime (the envelope, token included, is
// parsed and signed on every call all the same).
std::string assertionIdOf(const std::string& assertionXml) {
  thread_local std::string lastXml, lastId;
  if (!lastId.empty() && assertionXml == lastXml) return lastId;
  std::string error;
  XmlDocPtr a = parseXml(assertionXml, error);
  if (!a) throw std::invalid_argument("the cached assertion is not well-formed XML: " + error);
  lastId = attribute(xmlDocGetRootElement(a.get()), nullptr, "ID");
  lastXml = assertionXml;
  return lastId;
}

std::string stripXmlDeclaration(const std::string& xml) {
  if (xml.rfind("<?xml", 0) != 0) return xml;
  const auto end = xml.find("?>");
  return end == std::string::npos ? xml : xml.substr(end + 2);
}

}  // namespace

SecuredRequest buildIdwsRequest(SoapVersion version, const WsaHeaders& wsa, const std::string& bodyXml,
                                const std::string& assertionXml, const Credentials& key,
                                std::chrono::system_clock::time_point now, std::chrono::seconds validity) {
  const std::string assertionId = assertionIdOf(assertionXml);
  const std::string str = std::string("<wsse:SecurityTokenReference xmlns:wsse11=\"") + ns::kWsse11 +
                          "\" wsu:Id=\"_str\" wsse11:TokenType=\"" + kSamlV20 + "\"><wsse:KeyIdentifier ValueType=\"" +
                          kSamlId + "\">" + xmlEscape(assertionId) + "</wsse:KeyIdentifier></wsse:SecurityTokenReference>";
  // KeyInfo repeats the STR (without wsu:Id: an ID may occur once).
  const std::string keyInfo = std::string("<wsse:SecurityTokenReference xmlns:wsse11=\"") + ns::kWsse11 +
                              "\" wsse11:TokenType=\"" + kSamlV20 + "\"><wsse:KeyIdentifier ValueType=\"" + kSamlId +
                              "\">" + xmlEscape(assertionId) + "</wsse:KeyIdentifier></wsse:SecurityTokenReference>";
  Parts p;
  p.securityTokens = stripXmlDeclaration(assertionXml) + str;
  p.refs.push_back({"_str", ReferenceSpec::Kind::kStrTransform});
  p.keyInfo = keyInfo;
  return assemble(version, wsa, bodyXml, std::move(p), key, now, validity);
}

SecuredRequest buildBstSignedRequest(SoapVersion version, const WsaHeaders& wsa, const std::string& bodyXml,
                                     const Credentials& key, std::chrono::system_clock::time_point now,
                                     std::chrono::seconds validity) {
  Parts p;
  p.securityTokens = std::string("<wsse:BinarySecurityToken wsu:Id=\"_bst\" ValueType=\"") + kX509v3 +
                     "\" EncodingType=\"" + kBase64Binary + "\">" + key.certificateBase64() +
                     "</wsse:BinarySecurityToken>";
  p.refs.push_back({"_bst"});
  p.keyInfo = std::string("<wsse:SecurityTokenReference><wsse:Reference URI=\"#_bst\" ValueType=\"") + kX509v3 +
              "\"/></wsse:SecurityTokenReference>";
  return assemble(version, wsa, bodyXml, std::move(p), key, now, validity);
}

}  // namespace reghub::security
