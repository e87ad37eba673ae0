#include "adapters/smdb/soap_transport.h"

#include <Poco/URI.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "adapters/smdb/municipalities.h"
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
  return deliver(m, engine::DeliveryContext{});
}

namespace {

xmlNode* child(xmlNode* parent, const char* name) {
  for (xmlNode* c = parent ? parent->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(c->name), name) == 0) return c;
  return nullptr;
}

// Adds <SmdbId> after <KildeId> in a Reference or Foraelder that lacks one.
bool bindOne(xmlNode* ref, const std::function<std::optional<std::string>(const std::string&)>& idOf) {
  xmlNode* kilde = child(ref, "KildeId");
  if (!kilde || child(ref, "SmdbId")) return false;
  const auto id = idOf(text(kilde));
  if (!id) return false;
  xmlNode* n = xmlNewDocNode(ref->doc, kilde->ns, reinterpret_cast<const xmlChar*>("SmdbId"), nullptr);
  xmlNodeAddContent(n, reinterpret_cast<const xmlChar*>(id->c_str()));
  xmlAddNextSibling(kilde, n);
  return true;
}


}  // namespace

std::vector<std::pair<std::string, std::string>> mainPartFields(const std::string& payload) {
  std::string error;
  security::XmlDocPtr doc = security::parseXml(payload, error);
  std::vector<std::pair<std::string, std::string>> out;
  if (!doc) return out;
  const auto parts = security::childElements(xmlDocGetRootElement(doc.get()));
  if (parts.empty() || std::strcmp(reinterpret_cast<const char*>(parts.back()->name), "Reference") == 0) return out;
  for (const xmlNode* f : security::childElements(parts.back()))
    out.emplace_back(reinterpret_cast<const char*>(f->name), text(f));
  return out;
}

bool sameFields(std::vector<std::pair<std::string, std::string>> a, std::vector<std::pair<std::string, std::string>> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return !a.empty() && a == b;
}

std::optional<std::string> bindRegistryIds(
    const std::string& payload, const std::function<std::optional<std::string>(const std::string&)>& idOf,
    std::string& error) {
  security::XmlDocPtr doc = security::parseXml(payload, error);
  if (!doc) return std::nullopt;
  xmlNode* op = xmlDocGetRootElement(doc.get());
  xmlNode* ref = child(op, "Reference");
  if (!ref) return payload;
  bool bound = bindOne(ref, idOf);
  for (xmlNode* c = ref->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(c->name), "Foraelder") == 0)
      bound = bindOne(c, idOf) || bound;
  if (!bound) return payload;
  xmlBufferPtr buf = xmlBufferCreate();
  xmlNodeDump(buf, doc.get(), op, 0, 0);
  std::string out(reinterpret_cast<const char*>(xmlBufferContent(buf)), static_cast<size_t>(xmlBufferLength(buf)));
  xmlBufferFree(buf);
  return out;
}

const char* readBackAction(const std::string& operation) {
  if (operation == "IndsaetIvaerksaettelse") return "HentIvaerksaettelser";
  if (operation == "IndsaetTilbudstilknytning") return "HentTilbudstilknytninger";
  if (operation == "IndsaetKvalHep") return "HentKvalHep";
  if (operation == "AfslutBehandling") return "HentAnmodninger";
  return nullptr;
}

std::optional<std::string> SoapDeliverer::hent(const std::string& action, const std::string& kommune,
                                               const std::string& cpr, engine::DeliveryResult& failure) {
  const IdwsAnswer a = call(kHentTarget, std::string(kHentActionBase) + action, hentRequest(action, kommune, cpr));
  if (!a.tokenError && a.http.answered() && a.http.status >= 200 && a.http.status < 300) return a.http.body;
  failure = classify(a);
  if (failure.outcome == engine::DeliveryResult::Outcome::kAccepted)  // 2xx without a body to read
    failure = engine::DeliveryResult::retry(a.http.status, action + ": no answer");
  return std::nullopt;
}

std::optional<std::vector<SmdbRecord>> SoapDeliverer::read(const std::string& action, const std::string& kommune,
                                                           const std::string& cpr, engine::DeliveryResult& failure) {
  const auto body = hent(action, kommune, cpr, failure);
  if (!body) return std::nullopt;
  std::string error;
  auto records = parseHentRecords(action, *body, error);
  if (!records) failure = engine::DeliveryResult::retry(200, action + ": " + error);
  return records;
}

std::optional<std::vector<ListEntry>> SoapDeliverer::readList(const std::string& action, const std::string& kommune,
                                                              engine::DeliveryResult& failure) {
  const auto body = hent(action, kommune, {}, failure);
  if (!body) return std::nullopt;
  std::string error;
  auto entries = parseHentList(action, *body, error);
  if (!entries) failure = engine::DeliveryResult::retry(200, action + ": " + error);
  return entries;
}

engine::DeliveryResult SoapDeliverer::deliver(const engine::OutboundMessage& m, const engine::DeliveryContext& ctx) {
  std::string error;
  auto payload = bodyPayload(m.body, error);
  if (!payload) return engine::DeliveryResult::rejected(0, "the rendered SMDB message cannot be sent: " + error);
  const auto idOf = [&](const std::string& key) -> std::optional<std::string> {
    return ctx.registry ? ctx.registry->registryId(key) : std::nullopt;
  };
  // A resend may follow an attempt that arrived but whose answer was lost
  // (a dropped connection, a killed worker): SMDB is asked first. Holding
  // exactly what we send, it counts as accepted; holding an older content,
  // the record is updated by its id — never inserted twice.
  std::optional<std::string> heldId;
  if (ctx.registry && (ctx.sentBefore || ctx.attempt > 1))
    if (const char* action = readBackAction(m.kind)) {
      engine::DeliveryResult failure;
      const auto held = read(action, kommune3Of(m.kommune), m.citizenCpr, failure);
      // The record itself was not sent: a failed look-up is never its rejection.
      if (!held)
        return engine::DeliveryResult::retry(failure.httpStatus, "HentData look-up before a resend: " + failure.detail);
      for (const SmdbRecord& r : *held) {
        if (r.kildeId != m.idempotencyKey) continue;
        if (sameFields(mainPartFields(*payload), r.fields)) return engine::DeliveryResult::accepted(200, r.smdbId);
        heldId = r.smdbId;
      }
    }
  const auto known = [&](const std::string& key) -> std::optional<std::string> {
    if (heldId && key == m.idempotencyKey) return heldId;
    return idOf(key);
  };
  if (ctx.registry) payload = bindRegistryIds(*payload, known, error);
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
