#include "hub/security/sts_stand_in.h"

#include <stdexcept>

#include "hub/security/codec.h"
#include "hub/security/ws_trust.h"
#include "hub/security/wss_envelope.h"
#include "hub/security/xml_doc.h"
#include "hub/security/xml_signature.h"

namespace reghub::security {

namespace {

std::string attributeXml(const std::string& name, const std::string& value) {
  return "<saml:Attribute Name=\"" + xmlEscape(name) +
         "\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:basic\"><saml:AttributeValue>" + xmlEscape(value) +
         "</saml:AttributeValue></saml:Attribute>";
}

net::HttpResponse soapAnswer(SoapVersion v, int status, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.contentType = v == SoapVersion::k11 ? "text/xml; charset=utf-8" : "application/soap+xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace

std::string cvrOfCertificate(X509* cert) {
  const std::string subject = certificateSubject(cert);
  const auto at = subject.find("CVR:");
  if (at == std::string::npos || at + 12 > subject.size()) return {};
  const std::string cvr = subject.substr(at + 4, 8);
  return cvr.find_first_not_of("0123456789") == std::string::npos ? cvr : std::string();
}

StsStandIn::StsStandIn(StsStandInOptions options)
    : options_(std::move(options)), verifier_(WssPolicy{options_.clockSkew, std::chrono::minutes(10), options_.version}) {
  if (!options_.signingKey || !options_.clientCa)
    throw std::invalid_argument("StsStandIn: a signing key and a client CA are required");
}

std::chrono::system_clock::time_point StsStandIn::now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

std::string StsStandIn::issueAssertion(const AssertionSpec& spec) const {
  const std::string id = "_" + randomUuid();
  const std::string certB64 =
      spec.holderOfKey ? base64Encode(certificateDer(spec.holderOfKey.get())) : std::string();
  std::string a = std::string("<saml:Assertion xmlns:saml=\"") + ns::kSaml + "\" ID=\"" + id + "\" IssueInstant=\"" +
                  formatUtc(now()) + "\" Version=\"2.0\"><saml:Issuer>" +
                  xmlEscape(spec.issuer.empty() ? options_.entityId : spec.issuer) + "</saml:Issuer>" +
                  signatureTemplate({{id, ReferenceSpec::Kind::kEnveloped}},
                                    "<ds:X509Data><ds:X509Certificate>" + options_.signingKey->certificateBase64() +
                                        "</ds:X509Certificate></ds:X509Data>") +
                  "<saml:Subject><saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName\">" +
                  xmlEscape(spec.nameId) + "</saml:NameID><saml:SubjectConfirmation Method=\"" + kHolderOfKey +
                  "\"><saml:SubjectConfirmationData><ds:KeyInfo xmlns:ds=\"" + ns::kDs +
                  "\"><ds:X509Data><ds:X509Certificate>" + certB64 +
                  "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></saml:SubjectConfirmationData></saml:SubjectConfirmation>"
                  "</saml:Subject><saml:Conditions NotBefore=\"" +
                  formatUtc(spec.notBefore) + "\" NotOnOrAfter=\"" + formatUtc(spec.notOnOrAfter) +
                  "\"><saml:AudienceRestriction><saml:Audience>" + xmlEscape(spec.audience) +
                  "</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AttributeStatement>" +
                  attributeXml("dk:gov:saml:attribute:SpecVer", "DK-SAML-2.0") +
                  attributeXml("dk:gov:saml:attribute:AssuranceLevel", "3") + attributeXml(kCvrAttribute, spec.cvr) +
                  "</saml:AttributeStatement></saml:Assertion>";
  std::string error;
  XmlDocPtr doc = parseXml(a, error);
  if (!doc) throw std::logic_error("StsStandIn: assertion template: " + error);
  sign(doc.get(), firstChild(xmlDocGetRootElement(doc.get()), ns::kDs, "Signature"), *options_.signingKey);
  xmlBufferPtr buf = xmlBufferCreate();
  xmlNodeDump(buf, doc.get(), xmlDocGetRootElement(doc.get()), 0, 0);
  std::string out(reinterpret_cast<const char*>(xmlBufferContent(buf)), static_cast<size_t>(xmlBufferLength(buf)));
  xmlBufferFree(buf);
  return out;
}

net::HttpResponse StsStandIn::handle(const net::HttpRequest& request) {
  const SoapVersion v = options_.version;
  if (request.method != "POST")
    return soapAnswer(v, 405, soapFault(v, "Client", "POST en WS-Trust RequestSecurityToken / POST an RST"));
  const auto t = now();
  WssVerifier::Result checked = verifier_.verifyBstSignedRequest(request.body, *options_.clientCa, t);
  if (!checked.ok()) return soapAnswer(v, 500, soapFault(v, checked.fault.code, checked.fault.reason));
  const VerifiedRequest& req = *checked.request;
  if (req.action != kIssueAction)
    return soapAnswer(v, 500, soapFault(v, "wst:InvalidRequest", "wsa:Action skal være / must be " + std::string(kIssueAction)));
  if (req.to != options_.entityId)
    return soapAnswer(v, 500, soapFault(v, "wst:InvalidRequest",
                                        "wsa:To er ikke denne STS / wsa:To is not this STS (expected " + options_.entityId + ")"));
  const xmlNode* rst = firstChild(req.body, ns::kWst, "RequestSecurityToken");
  const std::string requestType = textOf(firstChild(rst, ns::kWst, "RequestType"));
  const std::string tokenType = textOf(firstChild(rst, ns::kWst, "TokenType"));
  const std::string appliesTo = textOf(findDescendant(firstChild(rst, ns::kWsp, "AppliesTo"), ns::kWsa, "Address"));
  if (!rst || requestType != kIssueRequestType || tokenType != kSamlV20 || appliesTo.empty())
    return soapAnswer(v, 500, soapFault(v, "wst:InvalidRequest",
                                        "RST skal have RequestType Issue, TokenType SAMLV2.0 og AppliesTo / the RST "
                                        "needs RequestType Issue, TokenType SAMLV2.0 and AppliesTo"));
  if (!options_.audiences.empty() && !options_.audiences.count(appliesTo))
    return soapAnswer(v, 500, soapFault(v, "wst:InvalidRequest",
                                        "ukendt AppliesTo / unknown service entity id (AppliesTo): " + appliesTo));
  // The client proves possession of the key it asks to be bound to.
  if (const xmlNode* useKey = findDescendant(firstChild(rst, ns::kWst, "UseKey"), ns::kWsse, "BinarySecurityToken")) {
    const auto der = base64Decode(textOf(useKey));
    X509Ptr asked = der ? certificateFromDer(*der) : nullptr;
    if (!asked || !sameCertificate(asked.get(), req.signer.get()))
      return soapAnswer(v, 500, soapFault(v, "wst:InvalidRequest",
                                          "UseKey er ikke det signerende certifikat / UseKey is not the signing certificate"));
  }
  auto lifetime = options_.tokenLifetime;
  if (const auto asked = parseUtc(textOf(findDescendant(firstChild(rst, ns::kWst, "Lifetime"), ns::kWsu, "Expires")))) {
    if (*asked <= t)
      return soapAnswer(v, 500, soapFault(v, "wst:InvalidRequest",
                                          "wst:Lifetime ligger i fortiden / wst:Lifetime/Expires is in the past"));
    lifetime = std::min(lifetime, std::chrono::duration_cast<std::chrono::seconds>(*asked - t));
  }
  std::string cvr = cvrOfCertificate(req.signer.get());
  if (const xmlNode* claims = firstChild(rst, ns::kWst, "Claims"))
    for (const xmlNode* c : childElements(claims))
      if (attribute(c, nullptr, "Uri") == kCvrAttribute) cvr = textOf(firstChild(c, kAuthNamespace, "Value"));

  AssertionSpec spec;
  spec.audience = appliesTo;
  spec.nameId = certificateSubject(req.signer.get());
  spec.cvr = cvr;
  spec.holderOfKey = req.signer;
  spec.notBefore = t - std::chrono::seconds(1);
  spec.notOnOrAfter = t + lifetime;
  const std::string assertion = issueAssertion(spec);
  ++issued_;
  const std::string soap = soapNamespace(v);
  return soapAnswer(
      v, 200,
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"" + soap + "\" xmlns:wsa=\"" + ns::kWsa +
          "\"><s:Header><wsa:Action>" + kIssueReplyAction + "</wsa:Action><wsa:RelatesTo>" + xmlEscape(req.messageId) +
          "</wsa:RelatesTo></s:Header><s:Body><wst:RequestSecurityTokenResponseCollection xmlns:wst=\"" + ns::kWst +
          "\" xmlns:wsp=\"" + ns::kWsp + "\" xmlns:wsu=\"" + ns::kWsu +
          "\"><wst:RequestSecurityTokenResponse><wst:TokenType>" + kSamlV20 +
          "</wst:TokenType><wst:RequestedSecurityToken>" + assertion +
          "</wst:RequestedSecurityToken><wsp:AppliesTo><wsa:EndpointReference><wsa:Address>" + xmlEscape(appliesTo) +
          "</wsa:Address></wsa:EndpointReference></wsp:AppliesTo><wst:Lifetime><wsu:Created>" + formatUtc(t) +
          "</wsu:Created><wsu:Expires>" + formatUtc(spec.notOnOrAfter) +
          "</wsu:Expires></wst:Lifetime></wst:RequestSecurityTokenResponse></wst:RequestSecurityTokenResponseCollection>"
          "</s:Body></s:Envelope>");
}

}  // namespace reghub::security
