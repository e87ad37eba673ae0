#include "hub/security/ws_trust.h"

#include <Poco/URI.h>

#include <stdexcept>

#include "hub/security/codec.h"
#include "hub/security/xml_doc.h"

namespace reghub::security {

namespace {

std::string rstBody(const IssueRequestSpec& spec, const Credentials& key, std::chrono::system_clock::time_point now) {
  std::string b = std::string("<wst:RequestSecurityToken xmlns:wst=\"") + ns::kWst + "\" xmlns:wsp=\"" + ns::kWsp +
                  "\" Context=\"urn:uuid:" + randomUuid() + "\"><wst:TokenType>" + kSamlV20 +
                  "</wst:TokenType><wst:RequestType>" + kIssueRequestType + "</wst:RequestType>" +
                  "<wsp:AppliesTo><wsa:EndpointReference><wsa:Address>" + xmlEscape(spec.appliesTo) +
                  "</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>";
  if (!spec.cvrClaim.empty())
    b += std::string("<wst:Claims Dialect=\"") + kAuthClaimsDialect + "\" xmlns:auth=\"" + kAuthNamespace +
         "\"><auth:ClaimType Uri=\"" + kCvrAttribute + "\"><auth:Value>" + xmlEscape(spec.cvrClaim) +
         "</auth:Value></auth:ClaimType></wst:Claims>";
  if (spec.lifetime.count() != 0)
    b += "<wst:Lifetime><wsu:Expires>" + formatUtc(now + spec.lifetime) + "</wsu:Expires></wst:Lifetime>";
  b += std::string("<wst:KeyType>") + kPublicKeyType + "</wst:KeyType><wst:UseKey><wsse:BinarySecurityToken ValueType=\"" +
       kX509v3 + "\" EncodingType=\"" + kBase64Binary + "\">" + key.certificateBase64() +
       "</wsse:BinarySecurityToken></wst:UseKey></wst:RequestSecurityToken>";
  return b;
}

// The assertion as a standalone document: namespaces used from ancestors
// are declared on it (xmlReconciliateNs), which exclusive c14n — and so
// the STS's signature — does not notice.
std::string standalone(const xmlNode* assertion) {
  XmlDocPtr out(xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0")));
  xmlNode* copy = xmlDocCopyNode(const_cast<xmlNode*>(assertion), out.get(), 1);
  xmlDocSetRootElement(out.get(), copy);
  xmlReconciliateNs(out.get(), copy);
  xmlBufferPtr buf = xmlBufferCreate();
  xmlNodeDump(buf, out.get(), copy, 0, 0);
  std::string s(reinterpret_cast<const char*>(xmlBufferContent(buf)), static_cast<size_t>(xmlBufferLength(buf)));
  xmlBufferFree(buf);
  return s;
}

TokenOutcome failure(std::string error, bool permanent) {
  TokenOutcome o;
  o.error = std::move(error);
  o.permanent = permanent;
  return o;
}

}  // namespace

SecuredRequest buildIssueRequest(const IssueRequestSpec& spec, const Credentials& key,
                                 std::chrono::system_clock::time_point now) {
  WsaHeaders wsa;
  wsa.action = kIssueAction;
  wsa.to = spec.stsEntityId;
  return buildBstSignedRequest(spec.version, wsa, rstBody(spec, key, now), key, now);
}

TokenOutcome readIssueResponse(int httpStatus, std::string_view body, const AssertionPolicy& policy,
                               std::chrono::system_clock::time_point now) {
  if (const auto fault = parseSoapFault(body)) {
    const bool permanent = fault->senderFault();
    return failure("STS afviste anmodningen / the STS refused the request: " + fault->code + ": " + fault->reason,
                   permanent);
  }
  if (httpStatus < 200 || httpStatus >= 300)
    return failure("STS svarede HTTP " + std::to_string(httpStatus) + " / the STS answered HTTP " +
                       std::to_string(httpStatus),
                   httpStatus >= 400 && httpStatus < 500 && httpStatus != 408 && httpStatus != 429);
  std::string error;
  XmlDocPtr doc = parseXml(body, error);
  if (!doc) return failure("STS-svaret er ikke XML / the STS answer is not XML: " + error, false);
  if (!registerIds(doc.get(), error)) return failure("STS-svaret har ugyldige ID'er / " + error, false);
  xmlNode* rstr = findDescendant(xmlDocGetRootElement(doc.get()), ns::kWst, "RequestedSecurityToken");
  xmlNode* assertion = firstChild(rstr, ns::kSaml, "Assertion");
  if (!assertion) {
    if (firstChild(rstr, ns::kSaml, "EncryptedAssertion"))
      return failure("STS udstedte en EncryptedAssertion; reghub sender den ikke videre krypteret endnu / the STS "
                     "issued an EncryptedAssertion, which reghub does not support yet",
                     true);
    return failure("STS-svaret har ingen RequestedSecurityToken/Assertion / no assertion in the STS answer", false);
  }
  const AssertionCheck check = checkAssertion(doc.get(), assertion, policy, now);
  if (!check.ok()) return failure("STS-token afvist / the STS token was refused: " + check.message, true);
  TokenOutcome o;
  o.token = IssuedToken{standalone(assertion), check.info, now};
  return o;
}

WsTrustClient::WsTrustClient(const std::string& stsUrl, net::HttpsClientOptions tls, IssueRequestSpec spec,
                             std::shared_ptr<const Credentials> key, AssertionPolicy policy)
    : spec_(std::move(spec)), key_(std::move(key)), policy_(std::move(policy)) {
  const Poco::URI uri(stsUrl);
  if (uri.getScheme() != "https") throw std::invalid_argument("the STS URL must be https: " + stsUrl);
  path_ = uri.getPathEtc().empty() ? "/" : uri.getPathEtc();
  client_ = std::make_unique<net::HttpsClient>("https://" + uri.getAuthority(), std::move(tls));
}

WsTrustClient::~WsTrustClient() = default;

TokenOutcome WsTrustClient::issue(const std::string& audience) {
  std::lock_guard<std::mutex> lock(mu_);
  IssueRequestSpec spec = spec_;
  AssertionPolicy policy = policy_;
  if (!audience.empty()) spec.appliesTo = policy.audience = audience;
  const auto now = std::chrono::system_clock::now();
  const SecuredRequest req = buildIssueRequest(spec, *key_, now);
  const net::HttpResult r = client_->send("POST", path_, req.envelope, req.contentType, req.headers);
  if (!r.answered())
    return failure("STS kunne ikke nås / the STS could not be reached: " + std::string(net::toString(r.failure)) +
                       ": " + r.error,
                   r.failure == net::TransportFailure::kTls);
  return readIssueResponse(r.status, r.body, policy, std::chrono::system_clock::now());
}

}  // namespace reghub::security
