#include "adapters/smdb/soap_transport.h"

#include <Poco/URI.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <stdexcept>

#include "adapters/smdb/soap_render.h"

namespace reghub::smdb {

namespace {

std::string text(const xmlNode* n) {
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  return s;
}

const xmlNode* child(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(c->name), name) == 0) return c;
  return nullptr;
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
  xmlDoc* doc = xmlReadMemory(body.data(), static_cast<int>(body.size()), "answer.xml", nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) return std::nullopt;
  std::optional<SoapAnswer> out;
  const xmlNode* env = xmlDocGetRootElement(doc);
  if (env && env->ns && std::strcmp(reinterpret_cast<const char*>(env->ns->href), kSoapNamespace) == 0 &&
      std::strcmp(reinterpret_cast<const char*>(env->name), "Envelope") == 0) {
    SoapAnswer a;
    if (const xmlNode* body = child(env, "Body")) {
      if (const xmlNode* fault = child(body, "Fault")) {
        a.fault = true;
        std::string code = text(child(fault, "faultcode"));
        if (const auto colon = code.find(':'); colon != std::string::npos) code = code.substr(colon + 1);
        a.faultCode = code;
        a.faultString = text(child(fault, "faultstring"));
      } else if (const xmlNode* id = findDeep(body, "SmdbId")) {
        a.smdbId = text(id);
      }
    }
    out = a;
  }
  xmlFreeDoc(doc);
  return out;
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
    if (soap->faultCode == "Client" || soap->faultCode == "Sender")
      return DeliveryResult::rejected(r.status, soap->faultString);
    return DeliveryResult::retry(r.status, "SOAP Fault " + soap->faultCode + ": " + soap->faultString);
  }
  if (r.status >= 500 || r.status == 408 || r.status == 429)
    return DeliveryResult::retry(r.status, "HTTP " + std::to_string(r.status));
  return DeliveryResult::rejected(r.status, "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 500));
}

SoapDeliverer::SoapDeliverer(const std::string& baseUrl, net::HttpsClientOptions options)
    : client_(std::make_unique<net::HttpsClient>(baseUrl, std::move(options))) {}

SoapDeliverer::SoapDeliverer(const Settings& settings) {
  std::string endpoint = settings.endpoint;
  // The endpoint may be given with the .svc path; the message carries it.
  if (const auto at = endpoint.find(kIndsaetTarget); at != std::string::npos) endpoint = endpoint.substr(0, at);
  net::HttpsClientOptions o;
  o.caFile = settings.caFile;
  o.timeout = std::chrono::milliseconds(settings.timeoutMs);
  client_ = std::make_unique<net::HttpsClient>(endpoint, o);
}

engine::DeliveryResult SoapDeliverer::deliver(const engine::OutboundMessage& m) {
  return classify(client_->send(m.method, m.target, m.body, m.contentType, m.headers));
}

}  // namespace reghub::smdb
