#include "hub/security/soap.h"

#include "hub/security/xml_doc.h"

namespace reghub::security {

std::optional<SoapVersion> parseSoapVersion(std::string_view text) {
  if (text == "1.1") return SoapVersion::k11;
  if (text == "1.2") return SoapVersion::k12;
  return std::nullopt;
}

std::string_view toString(SoapVersion v) { return v == SoapVersion::k11 ? "1.1" : "1.2"; }

const char* soapNamespace(SoapVersion v) { return v == SoapVersion::k11 ? ns::kSoap11 : ns::kSoap12; }

std::string soapContentType(SoapVersion v, const std::string& action) {
  if (v == SoapVersion::k11) return "text/xml; charset=utf-8";
  return "application/soap+xml; charset=utf-8; action=\"" + action + "\"";
}

std::map<std::string, std::string> soapHeaders(SoapVersion v, const std::string& action) {
  if (v == SoapVersion::k11) return {{"SOAPAction", "\"" + action + "\""}};
  return {};
}

std::string soapFault(SoapVersion v, const std::string& code, const std::string& reason) {
  const bool ws = code.rfind("wsse:", 0) == 0 || code.rfind("wst:", 0) == 0;
  const std::string decl = std::string(" xmlns:wsse=\"") + ns::kWsse + "\" xmlns:wst=\"" + ns::kWst + "\"";
  std::string s = std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"") + soapNamespace(v) +
                  "\"" + decl + "><s:Body><s:Fault>";
  if (v == SoapVersion::k11) {
    s += "<faultcode>" + (ws ? code : "s:" + code) + "</faultcode><faultstring xml:lang=\"da-DK\">" + xmlEscape(reason) +
         "</faultstring>";
  } else {
    const std::string top = ws || code == "Client" || code == "Sender" ? "s:Sender" : "s:Receiver";
    s += "<s:Code><s:Value>" + top + "</s:Value>";
    if (ws) s += "<s:Subcode><s:Value>" + code + "</s:Value></s:Subcode>";
    s += "</s:Code><s:Reason><s:Text xml:lang=\"da-DK\">" + xmlEscape(reason) + "</s:Text></s:Reason>";
  }
  return s + "</s:Fault></s:Body></s:Envelope>";
}

namespace {
std::string localPart(const std::string& qname) {
  const auto colon = qname.find(':');
  return colon == std::string::npos ? qname : qname.substr(colon + 1);
}
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  return s.substr(i);
}
}  // namespace

bool SoapFaultInfo::senderFault() const {
  return localCode == "Client" || localCode == "Sender" || securityFault() || code.rfind("s:Client", 0) == 0;
}

bool SoapFaultInfo::securityFault() const {
  static const char* const kCodes[] = {"InvalidSecurity", "FailedAuthentication", "InvalidSecurityToken",
                                       "SecurityTokenUnavailable", "FailedCheck", "MessageExpired",
                                       "UnsupportedSecurityToken", "InvalidRequest", "RequestFailed"};
  for (const char* c : kCodes)
    if (localCode == c) return true;
  return false;
}

std::optional<SoapFaultInfo> parseSoapFault(std::string_view body) {
  std::string error;
  XmlDocPtr doc = parseXml(body, error);
  if (!doc) return std::nullopt;
  const xmlNode* env = xmlDocGetRootElement(doc.get());
  SoapFaultInfo f;
  if (isElement(env, ns::kSoap11, "Envelope")) {
    f.version = SoapVersion::k11;
    const xmlNode* fault = firstChild(firstChild(env, ns::kSoap11, "Body"), ns::kSoap11, "Fault");
    if (!fault) return std::nullopt;
    for (const xmlNode* c : childElements(fault)) {
      const std::string n = reinterpret_cast<const char*>(c->name);
      if (n == "faultcode" && f.code.empty()) f.code = trim(textOf(c));
      if (n == "faultstring") f.reason = trim(textOf(c));
    }
  } else if (isElement(env, ns::kSoap12, "Envelope")) {
    f.version = SoapVersion::k12;
    const xmlNode* fault = firstChild(firstChild(env, ns::kSoap12, "Body"), ns::kSoap12, "Fault");
    if (!fault) return std::nullopt;
    const xmlNode* code = firstChild(fault, ns::kSoap12, "Code");
    f.code = trim(textOf(firstChild(code, ns::kSoap12, "Value")));
    // The most specific subcode wins.
    for (const xmlNode* sub = firstChild(code, ns::kSoap12, "Subcode"); sub; sub = firstChild(sub, ns::kSoap12, "Subcode"))
      f.code = trim(textOf(firstChild(sub, ns::kSoap12, "Value")));
    f.reason = trim(textOf(firstChild(firstChild(fault, ns::kSoap12, "Reason"), ns::kSoap12, "Text")));
  } else {
    return std::nullopt;
  }
  f.localCode = localPart(f.code);
  return f;
}

}  // namespace reghub::security
