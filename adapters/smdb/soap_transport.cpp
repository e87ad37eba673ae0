#include "adapters/smdb/soap_transport.h"

#include <Poco/URI.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <stdexcept>

#include "adapters/smdb/soap_render.h"
#include "hub/security/soap.h"
#include "hub/security/xml_doc.h"

namespace reghub::smdb {

namespace {

std::string text(const xmlNode* n) {
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  return s;
}

const xmlNode* findDeep(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (std::strcmp(reinterpret_cast<const char*>(c->name), name) == 0) return c;
    if (const xmlNode* d = findDeep(c, name)) return d;
  }
  return nullptr;
}

}  // namespace

std::optional<SoapAnswer> parseSoapAnswer(const std::string& body) {
  std::string error;
  security::XmlDocPtr doc = security::parseXml(body, error);
  if (!doc) return std::nullopt;
  const xmlNode* env = xmlDocGetRootElement(doc.get());
  const char* soap = security::isElement(env, security::ns::kSoap11, "Envelope")   ? security::ns::kSoap11
                     : security::isElement(env, security::ns::kSoap12, "Envelope") ? security::ns::kSoap12
                                                                                    : nullptr;
  if (!soap) return std::nullopt;
  SoapAnswer a;
  if (const auto fault = security::parseSoapFault(body)) {
    a.fault = true;
    a.faultCode = fault->localCode;
    a.faultString = fault->reason;
    a.securityFault = fault->securityFault();
  } else if (const xmlNode* id = findDeep(security::firstChild(env, soap, "Body"), "SmdbId")) {
    a.smdbId = text(id);
  }
  return a;
}

engine::DeliveryResult classify(const net::HttpResult& r) {
  using engine::DeliveryResult;
  if (!r.answered()) return DeliveryResult::retry(0, std::string(net::toString(r.failure)) + ": " + r.error);
  const auto soap = parseSoapAnswer(r.body);
  if (r.status >= 200 && r.status < 300) {
    if (soap && soap->fault) return DeliveryResult::rejected(r.status, soap->faultString);
    if (soap && !soap->smdbId.empty()) return DeliveryResult::accepted(r.status, soap->smdbId);
    // A 2xx without a receipt cannot be trusted as stored.
    return DeliveryResult::retry(r.status, "2xx uden kvittering (SmdbId) fra SMDB");
  }
  if (soap && soap->fault) {
    if (soap->faultCode == "Client" || soap->faultCode == "Sender" || soap->securityFault)
      return DeliveryResult::rejected(r.status, soap->faultString);
    return DeliveryResult::retry(r.status, "SOAP Fault " + soap->faultCode + ": " + soap->faultString);
  }
  if (r.status >= 500 || r.status == 408 || r.status == 429)
    return DeliveryResult::retry(r.status, "HTTP " + std::to_string(r.status));
  return DeliveryResult::rejected(r.status, "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 500));
}

engine::DeliveryResult classify(const IdwsAnswer& a) {
  using engine::DeliveryResult;
  if (a.tokenError)
    return a.tokenErrorPermanent ? DeliveryResult::rejected(0, "OIO IDWS token: " + *a.tokenError)
                                 : DeliveryResult::retry(0, "OIO IDWS token: " + *a.tokenError);
  return classify(a.http);
}

std::optional<std::string> bodyPayload(const std::string& envelope, std::string& error) {
  security::XmlDocPtr doc = security::parseXml(envelope, error);
  if (!doc) return std::nullopt;
  const xmlNode* env = xmlDocGetRootElement(doc.get());
  const xmlNode* body = nullptr;
  for (const char* soap : {security::ns::kSoap11, security::ns::kSoap12})
    if (security::isElement(env, soap, "Envelope")) body = security::firstChild(env, soap, "Body");
  if (!body) {
    error = "no SOAP Envelope/Body";
    return std::nullopt;
  }
  std::string out;
  xmlBufferPtr buf = xmlBufferCreate();
  for (const xmlNode* c : security::childElements(body)) {
    xmlBufferEmpty(buf);
    xmlNodeDump(buf, doc.get(), const_cast<xmlNode*>(c), 0, 0);
    out.append(reinterpret_cast<const char*>(xmlBufferContent(buf)), static_cast<size_t>(xmlBufferLength(buf)));
  }
  xmlBufferFree(buf);
  return out;
}

SoapDeliverer::SoapDeliverer(const Settings& settings, std::shared_ptr<IdwsClient> idws) : idws_(std::move(idws)) {
  std::string endpoint = settings.endpoint;
  // The endpoint may be given with the .svc path; the message carries it.
  if (const auto at = endpoint.find(kIndsaetTarget); at != std::string::npos) endpoint = endpoint.substr(0, at);
  net::HttpsClientOptions o;
  o.caFile = settings.caFile;
  o.timeout = std::chrono::milliseconds(settings.timeoutMs);
  client_ = std::make_unique<net::HttpsClient>(endpoint, o);
}

IdwsAnswer SoapDeliverer::call(const std::string& target, const std::string& action, const std::string& payloadXml) {
  return idws_->call(*client_, target, action, payloadXml);
}

engine::DeliveryResult SoapDeliverer::deliver(const engine::OutboundMessage& m) {
  std::string error;
  const auto payload = bodyPayload(m.body, error);
  if (!payload) return engine::DeliveryResult::rejected(0, "the rendered SMDB message cannot be sent: " + error);
  // The action the renderer chose (SOAP 1.1 SOAPAction form, quoted).
  std::string action = std::string(kActionBase) + m.kind;
  if (const auto sa = m.headers.find("SOAPAction"); sa != m.headers.end()) {
    action = sa->second;
    if (action.size() >= 2 && action.front() == '"' && action.back() == '"') action = action.substr(1, action.size() - 2);
  }
  return classify(call(m.target, action, *payload));
}

}  // namespace reghub::smdb
