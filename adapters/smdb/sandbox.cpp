#include "adapters/smdb/sandbox.h"

#include <libxml/parser.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <libxml/tree.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>

#include "adapters/smdb/hent_data.h"
#include "adapters/smdb/rules.h"
#include "adapters/smdb/sandbox_sag.h"
#include "adapters/smdb/soap_render.h"
#include "hub/net/dev_tls.h"
#include "hub/security/soap.h"
#include "hub/security/xml_doc.h"
#include "hub/util/strings.h"

namespace reghub::smdb {

namespace {

const std::map<std::string, Skema> kParts = {{"Anmodning", Skema::kAnm},
                                             {"Ivaerksaettelse", Skema::kIvaer},
                                             {"Tilbudstilknytning", Skema::kTilb},
                                             {"KvalHep", Skema::kKvalhep},
                                             {"Afslutning", Skema::kAfsl}};
const char* const kOperations[] = {"IndsaetIvaerksaettelse", "IndsaetTilbudstilknytning", "IndsaetKvalHep",
                                   "AfslutBehandling"};

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      default: o += c;
    }
  }
  return o;
}

net::HttpResponse fault(const std::string& code, const std::string& text, int status = 500) {
  net::HttpResponse r;
  r.status = status;
  r.contentType = "text/xml; charset=utf-8";
  r.body = std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"") + kSoapNamespace +
           "\"><s:Body><s:Fault><faultcode>s:" + code + "</faultcode><faultstring xml:lang=\"da-DK\">" + escape(text) +
           "</faultstring></s:Fault></s:Body></s:Envelope>";
  return r;
}

net::HttpResponse receipt(const std::string& op, const std::string& kildeId, const std::string& smdbId) {
  net::HttpResponse r;
  r.contentType = "text/xml; charset=utf-8";
  r.body = std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"") + kSoapNamespace +
           "\"><s:Body><" + op + "Response xmlns=\"" + kSmdbNamespace + "\"><" + op + "Result><SmdbId>" + smdbId +
           "</SmdbId><KildeId>" + escape(kildeId) + "</KildeId></" + op + "Result></" + op +
           "Response></s:Body></s:Envelope>";
  return r;
}

std::string name(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }
bool inNs(const xmlNode* n, const char* ns) {
  return n->ns && std::strcmp(reinterpret_cast<const char*>(n->ns->href), ns) == 0;
}
std::string text(const xmlNode* n) {
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  return s;
}
std::vector<const xmlNode*> elements(const xmlNode* n) {
  std::vector<const xmlNode*> v;
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) v.push_back(c);
  return v;
}

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

}  // namespace

SmdbSandbox::SmdbSandbox(std::shared_ptr<const FieldTable> table, std::shared_ptr<const Municipalities> kommuner,
                         const engine::SandboxOptions& options, std::shared_ptr<const Settings> settings)
    : table_(std::move(table)), kommuner_(std::move(kommuner)), settings_(std::move(settings)),
      asOf_(settings_->sandboxAsOf), requestedPort_(options.port), tlsDir_(settings_->sandboxTlsDir),
      version_(settings_->idws.soapVersion) {}

SmdbSandbox::~SmdbSandbox() {
  stop();
  records_.reset();  // closed before its temp file goes
  std::error_code ec;
  if (!ownTlsDir_.empty()) std::filesystem::remove_all(ownTlsDir_, ec);
  if (!pkiDir_.empty()) std::filesystem::remove_all(pkiDir_, ec);
}

// A fresh dev PKI per start: the test CA the STS trusts, the STS's signing
// certificate, and one function certificate for clients (written as PEM).
void SmdbSandbox::makePki(const std::string& dir) {
  std::filesystem::create_directories(dir);
  pki_ = std::make_unique<security::DevPki>("reghub SMDB sandbox test CA");
  const security::IssuedCertificate sts = pki_->issueStsCertificate("SMDB sandbox NemLog-in STS stand-in");
  const security::IssuedCertificate client =
      pki_->issueFunctionCertificate("12345678", "reghub-smdb-sandbox", "Sandbox Kommune");
  pki_->writeCaPem(dir + "/function-ca.pem");
  sts.writeCertPem(dir + "/sts.pem");
  client.writeCertPem(dir + "/function.pem");
  client.writeKeyPem(dir + "/function-key.pem");
  security::StsStandInOptions o;
  o.version = security::SoapVersion::k11;  // as NemLog-in's STS
  o.entityId = kStsEntityId;
  o.signingKey = std::make_shared<security::Credentials>(sts.credentials());
  o.clientCa = std::make_shared<security::TrustStore>(security::TrustStore::fromPem(pki_->caPem()));
  o.tokenLifetime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(settings_->sandboxTokenLifetimeMs));
  o.clockSkew = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds(settings_->idws.clockSkewMs));
  sts_ = std::make_unique<security::StsStandIn>(o);
  tokens_.stsCertificate = security::shareX509(sts.cert.get());
  tokens_.issuer = kStsEntityId;
  tokens_.audience = kServiceEntityId;
  security::WssPolicy policy;
  policy.clockSkew = o.clockSkew;
  policy.version = version_;
  verifier_ = std::make_unique<security::WssVerifier>(policy);
}

std::map<std::string, std::string> SmdbSandbox::clientConfig() const {
  return {{"smdb.environment", "custom"},
          {"smdb.endpoint", baseUrl()},
          {"smdb.caFile", caFile_},
          {"smdb.soapVersion", std::string(security::toString(version_))},
          {"smdb.stsUrl", baseUrl() + kStsPath},
          {"smdb.stsCaFile", caFile_},
          {"smdb.stsEntityId", kStsEntityId},
          {"smdb.serviceEntityId", kServiceEntityId},
          {"smdb.stsCertificate", pkiDir_ + "/sts.pem"},
          {"smdb.functionCertificate", pkiDir_ + "/function.pem"},
          {"smdb.functionKey", pkiDir_ + "/function-key.pem"}};
}

void SmdbSandbox::start() {
  net::HttpsServerOptions o;
  o.port = requestedPort_;
  if (tlsDir_.empty()) {
    static std::atomic<int> counter{0};
    const auto dir = std::filesystem::temp_directory_path() /
                     ("reghub-smdb-sandbox-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    ownTlsDir_ = dir.string();
    const net::DevTlsFiles files = net::writeDevTls(dir.string());
    o.certFile = files.serverCertFile;
    o.keyFile = files.serverKeyFile;
    caFile_ = files.caCertFile;
  } else {
    o.certFile = tlsDir_ + "/server.pem";
    o.keyFile = tlsDir_ + "/server-key.pem";
    caFile_ = tlsDir_ + "/ca.pem";
  }
  {
    static std::atomic<int> pkiCounter{0};
    pkiDir_ = (std::filesystem::temp_directory_path() /
               ("reghub-smdb-sandbox-pki-" + std::to_string(::getpid()) + "-" + std::to_string(pkiCounter++)))
                  .string();
    makePki(pkiDir_);
  }
  stateFile_ = settings_->sandboxStateFile;
  ownStateFile_ = stateFile_.empty();
  if (ownStateFile_) stateFile_ = pkiDir_ + "/records.db";
  records_ = std::make_unique<SandboxRecords>(stateFile_);
  server_ = std::make_unique<net::HttpsServer>(o, [this](const net::HttpRequest& r) { return handle(r); });
  server_->start();
}

void SmdbSandbox::stop() {
  if (server_) server_->stop();
}

int SmdbSandbox::port() const { return server_ ? server_->port() : 0; }
std::string SmdbSandbox::baseUrl() const { return server_ ? server_->baseUrl() : std::string(); }

namespace {

// A SOAP request as far as the sandbox reads it before it looks at its store.
struct Ref {
  std::string kildeId, smdbId;
};
struct SoapCall {
  std::unique_ptr<xmlDoc, DocDeleter> doc;  // owns the nodes below
  const xmlNode* op = nullptr;
  std::string opName;
  Ref self;
  std::vector<Ref> parents;  // Reference/Foraelder
  std::vector<IncomingSkema> parts;
};

using Refusal = std::optional<net::HttpResponse>;

net::HttpResponse notFound() {
  net::HttpResponse r;
  r.status = 404;
  r.body = "SMDB sandbox: POST SOAP envelopes to " + std::string(kIndsaetTarget) + " or " + kHentTarget + "\n";
  return r;
}

// The envelope: well-formed XML without DTD, one known operation in the
// Body, and the SOAPAction that names it.
// `parsed`: the request's document as the OIO IDWS check parsed it (one
// parse per call, same options); null: parsed here.
Refusal readEnvelope(const net::HttpRequest& request, SoapCall& call, security::XmlDocPtr parsed) {
  // No DTDs: external entities (XXE) and entity expansion (billion laughs)
  // are refused before libxml2 sees the document, as in hub/ingest.
  if (request.body.find("<!DOCTYPE") != std::string::npos || request.body.find("<!ENTITY") != std::string::npos)
    return fault("Client", "DOCTYPE/ENTITY er ikke tilladt i SOAP-forespørgslen.");
  if (parsed)
    call.doc.reset(parsed.release());
  else
    call.doc.reset(xmlReadMemory(request.body.data(), static_cast<int>(request.body.size()), "request.xml", nullptr,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!call.doc) return fault("Client", "Forespørgslen er ikke velformet XML.");
  const xmlNode* env = xmlDocGetRootElement(call.doc.get());
  const char* soap = nullptr;
  for (const char* ns : {security::ns::kSoap11, security::ns::kSoap12})
    if (env && name(env) == "Envelope" && inNs(env, ns)) soap = ns;
  if (!soap) return fault("Client", "Roden skal være en SOAP Envelope (" + std::string(kSoapNamespace) + ").");
  const xmlNode* body = nullptr;
  std::string action;
  for (const xmlNode* c : elements(env)) {
    if (name(c) == "Body" && inNs(c, soap)) body = c;
    if (name(c) == "Header" && inNs(c, soap))
      if (const xmlNode* a = security::firstChild(c, security::ns::kWsa, "Action")) action = text(a);
  }
  const auto ops = elements(body);
  if (ops.size() != 1) return fault("Client", "SOAP Body skal indeholde præcis én operation.");
  call.op = ops[0];
  call.opName = name(call.op);
  if (!inNs(call.op, kSmdbNamespace) ||
      std::none_of(std::begin(kOperations), std::end(kOperations), [&](const char* o) { return call.opName == o; }))
    return fault("Client", "Ukendt operation '" + call.opName + "' (namespace " + kSmdbNamespace + ").");
  // The action: wsa:Action (OIO IDWS; the only one in SOAP 1.2), else the SOAPAction header.
  const std::string expected = std::string(kActionBase) + call.opName;
  if (action.empty())
    if (const auto sa = request.headers.find("soapaction"); sa != request.headers.end()) action = sa->second;
  if (action != expected && action != "\"" + expected + "\"")
    return fault("Client", "SOAPAction / wsa:Action skal være \"" + expected + "\".");
  return std::nullopt;
}

Ref readRef(const xmlNode* n) {
  Ref r;
  for (const xmlNode* c : elements(n)) {
    if (name(c) == "KildeId") r.kildeId = text(c);
    if (name(c) == "SmdbId") r.smdbId = text(c);
  }
  return r;
}

// The operation's Reference (KildeId, SmdbId, Foraelder) and its skema parts.
Refusal readParts(SoapCall& call) {
  for (const xmlNode* c : elements(call.op)) {
    if (!inNs(c, kSmdbNamespace)) return fault("Client", "Elementet '" + name(c) + "' er ikke i SMDB's namespace.");
    if (name(c) == "Reference") {
      call.self = readRef(c);
      for (const xmlNode* p : elements(c))
        if (name(p) == "Foraelder") call.parents.push_back(readRef(p));
      continue;
    }
    const auto p = kParts.find(name(c));
    if (p == kParts.end()) return fault("Client", "Ukendt element '" + name(c) + "' i " + call.opName + ".");
    IncomingSkema in{p->second, {}};
    for (const xmlNode* e : elements(c)) in.fields.emplace_back(name(e), text(e));
    call.parts.push_back(std::move(in));
  }
  if (call.parts.empty()) return fault("Client", call.opName + " indeholder intet skema.");
  if (call.self.kildeId.empty()) return fault("Client", "Reference/KildeId mangler.");
  return std::nullopt;
}

std::string fieldOr(const IncomingSkema& in, const char* variable) {
  for (const auto& [k, v] : in.fields)
    if (k == variable) return v;
  return {};
}

// The rule a call breaks when the record it hangs on is not in SMDB.
std::string missingParentRule(Skema main) {
  switch (main) {
    case Skema::kTilb: return "SMDB-TILB-01";
    case Skema::kKvalhep: return "SMDB-KVAL-01";
    default: return "SMDB-AFSL-01";
  }
}

// Every error, as SMDB answers them: one fault naming each rule.
net::HttpResponse rejection(const std::vector<diag::Diagnostic>& errors) {
  std::string why;
  for (const diag::Diagnostic& d : errors)
    why += d.rule + (d.field.empty() ? "" : " [" + d.field + "]") + ": " + d.message + "\n";
  return fault("Client", why);
}

const SandboxRecord* firstOf(const std::vector<SandboxRecord>& sag, Skema s) {
  for (const SandboxRecord& r : sag)
    if (r.skema == s) return &r;
  return nullptr;
}

// What one IndsaetData call writes: the sag it concerns and a change per
// part, in order (new records have no SmdbId yet).
struct Plan {
  std::string sagId;  // empty: the call opens a new sag
  std::vector<SandboxRecord> changes;
  std::string kommune, cpr;
};

// Finds the sag and the records a call writes. An update names its record
// by SmdbId; a new record hangs on a parent named by SmdbId (or, leniently,
// by a KildeId the sandbox holds); a record sent again without its SmdbId
// is refused — SMDB would hold it twice.
Refusal planCall(SandboxRecords& records, const SoapCall& call, Plan& plan) {
  const Skema main = call.parts.back().skema;
  std::optional<SandboxRecord> self;
  if (!call.self.smdbId.empty()) {
    self = records.get(call.self.smdbId);
    if (!self || self->skema != main)
      return fault("Client", "Reference/SmdbId " + call.self.smdbId + " er ikke en " + recordElement(main) +
                                 " i SMDB (hent id'erne med HentData).");
    plan.sagId = self->sagId;
  } else if (const auto held = records.byKildeId(call.self.kildeId)) {
    return fault("Client", "Posten med KildeId '" + call.self.kildeId + "' findes allerede i SMDB som SmdbId " +
                               held->smdbId +
                               ": send ændringen som en opdatering med SmdbId (hent id'erne med HentData først, "
                               "Kravspecifikation 1.2).");
  } else if (call.parts.front().skema == Skema::kAnm) {
    // The anmodning named as a parent: a sag SMDB holds gets its iværksættelse
    // (or afslutning) now; otherwise the call opens a new sag.
    for (const Ref& p : call.parents) {
      std::optional<SandboxRecord> parent =
          !p.smdbId.empty() ? records.get(p.smdbId) : records.byKildeId(p.kildeId);
      if (!p.smdbId.empty() && (!parent || parent->skema != Skema::kAnm))
        return fault("Client", "Foraelder/SmdbId " + p.smdbId + " er ikke en anmodning i SMDB.");
      if (parent && parent->skema == Skema::kAnm) plan.sagId = parent->sagId;
    }
  } else {
    for (const Ref& p : call.parents) {
      std::optional<SandboxRecord> parent =
          !p.smdbId.empty() ? records.get(p.smdbId) : records.byKildeId(p.kildeId);
      if (!p.smdbId.empty() && !parent)
        return fault("Client", "Foraelder/SmdbId " + p.smdbId + " findes ikke i SMDB.");
      if (parent) {
        plan.sagId = parent->sagId;
        break;
      }
    }
    if (plan.sagId.empty())
      return fault("Client", missingParentRule(main) + ": " + recordElement(main) +
                                 " hænger ikke på en iværksættelse/anmodning, som SMDB har.");
  }
  const std::vector<SandboxRecord> sag = plan.sagId.empty() ? std::vector<SandboxRecord>{} : records.ofSag(plan.sagId);
  const SandboxRecord* anm = firstOf(sag, Skema::kAnm);
  const SandboxRecord* ivaer = firstOf(sag, Skema::kIvaer);
  plan.kommune = anm ? anm->kommune : std::string();
  plan.cpr = anm ? anm->cpr : std::string();
  for (size_t i = 0; i < call.parts.size(); ++i) {
    const IncomingSkema& in = call.parts[i];
    SandboxRecord c;
    c.skema = in.skema;
    c.fields = in.fields;
    c.origin = "system";
    c.operation = call.opName;
    if (in.skema == Skema::kAnm) {
      plan.kommune = fieldOr(in, "KommuneKode");
      plan.cpr = fieldOr(in, "PersonIdentifikator");
      c.kildeId = call.self.kildeId.substr(0, call.self.kildeId.rfind('/') + 1) + "ANM";
      if (anm) {  // the sag's anmodning is updated
        c.smdbId = anm->smdbId;
        c.sagId = anm->sagId;
        c.kildeId = anm->kildeId;
      }
    } else {
      c.kildeId = call.self.kildeId;
      if (self && self->skema == in.skema) {  // an update keeps the record's KildeId (none for SMDB-web's)
        c.smdbId = self->smdbId;
        c.kildeId = self->kildeId;
      }
      c.sagId = plan.sagId.empty() ? "#0" : plan.sagId;
      const bool onIvaer = in.skema == Skema::kTilb || in.skema == Skema::kKvalhep;
      c.parentId = onIvaer ? (ivaer ? ivaer->smdbId : std::string()) : (anm ? anm->smdbId : std::string("#0"));
      if (c.smdbId.empty() && c.parentId.empty())
        return fault("Client", missingParentRule(in.skema) + ": " + recordElement(in.skema) +
                                   " kræver en iværksættelse i SMDB.");
      if (self && c.smdbId == self->smdbId) c.parentId = self->parentId;
    }
    plan.changes.push_back(std::move(c));
  }
  for (SandboxRecord& c : plan.changes) c.kommune = plan.kommune, c.cpr = plan.cpr;
  return std::nullopt;
}

// Judges the plan by the rules and, accepted, writes it; the answer.
net::HttpResponse commit(SandboxRecords& records, const RuleContext& rc, Plan& plan, const std::string& op,
                         const std::string& kildeId) {
  std::string why;
  const auto held = plan.cpr.empty() ? std::vector<SandboxRecord>{} : records.ofCitizen(plan.cpr);
  const auto errors = judgeSag(plan.changes, plan.sagId, held, rc, why);
  if (!why.empty()) return fault("Client", why);
  if (!errors.empty()) return rejection(errors);
  const std::vector<std::string> ids = records.write(plan.changes);
  return receipt(op, kildeId, ids.back());
}

}  // namespace
namespace {

// The rule answers are built as SOAP 1.1; re-expressed in the sandbox's version.
net::HttpResponse inVersion(net::HttpResponse r, security::SoapVersion v) {
  if (v == security::SoapVersion::k11) return r;
  r.contentType = "application/soap+xml; charset=utf-8";
  if (const auto f = security::parseSoapFault(r.body)) {
    r.body = security::soapFault(v, f->localCode, f->reason);
    return r;
  }
  const std::string from = std::string("xmlns:s=\"") + kSoapNamespace + "\"";
  if (const auto at = r.body.find(from); at != std::string::npos)
    r.body.replace(at, from.size(), std::string("xmlns:s=\"") + security::ns::kSoap12 + "\"");
  return r;
}

net::HttpResponse securityFault(security::SoapVersion v, const security::WssFault& f) {
  net::HttpResponse r;
  r.status = 500;
  r.contentType = v == security::SoapVersion::k11 ? "text/xml; charset=utf-8" : "application/soap+xml; charset=utf-8";
  r.body = security::soapFault(v, f.code, f.reason);
  return r;
}

}  // namespace

RuleContext SmdbSandbox::ruleContext() const {
  return RuleContext{*table_, *kommuner_, *settings_, asOf_.value_or(model::copenhagenToday()),
                     settings_->tilbudIds.get()};
}

net::HttpResponse SmdbSandbox::handle(const net::HttpRequest& request) {
  if (!verifier_) {  // start() makes the PKI the checks need
    net::HttpResponse r;
    r.status = 503;
    r.body = "SMDB sandbox: not started\n";
    return r;
  }
  if (request.method == "POST" && request.path == kStsPath) return sts_->handle(request);
  if (request.path.rfind("/sandbox/", 0) == 0) return handleControl(request);
  const bool service = request.path == kIndsaetTarget || request.path == kTokenTestTarget || request.path == kHentTarget;
  if (request.method != "POST" || !service) return notFound();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (failEvery_ > 0 && ++serviceCalls_ % failEvery_ == 0)
      return inVersion(fault("Server", "Sandbox: fejl som bestilt (failEvery) / injected fault"), version_);
  }
  return handleService(request);
}

net::HttpResponse SmdbSandbox::handleService(const net::HttpRequest& request) {
  // OIO IDWS first: nothing of an unauthenticated call is read, let alone stored.
  security::WssVerifier::Result verified =
      verifier_->verifyIdwsRequest(request.body, tokens_, std::chrono::system_clock::now());
  if (!verified.ok()) return securityFault(version_, verified.fault);
  // A signed call meant for another service (or another path) is not ours to answer.
  const std::string& to = verified.request->to;
  if (to.size() < request.path.size() || to.compare(to.size() - request.path.size(), request.path.size(), request.path) != 0)
    return securityFault(version_, {security::kInvalidSecurity, "wsa:To er ikke denne tjeneste / wsa:To is not this "
                                                                "service (" + request.path + ")"});
  if (request.path == kTokenTestTarget) return handleTokenTest(request, *verified.request);
  if (request.path == kHentTarget) return inVersion(handleHent(*verified.request), version_);
  net::HttpResponse r = inVersion(handleIndsaet(request, std::move(verified.request->doc)), version_);
  std::lock_guard<std::mutex> lock(mu_);
  if (r.status == 200 && dropAfterStore_ > 0) {
    --dropAfterStore_;  // stored, but the answer is lost on the way
    r.dropConnection = true;
  }
  return r;
}

net::HttpResponse SmdbSandbox::handleHent(const security::VerifiedRequest& v) {
  const std::string base = kHentActionBase;
  const std::string action = v.action.rfind(base, 0) == 0 ? v.action.substr(base.size()) : std::string();
  const auto payload = security::childElements(v.body);
  if (payload.size() != 1) return fault("Client", "SOAP Body skal indeholde præcis én operation.");
  xmlBufferPtr buf = xmlBufferCreate();
  xmlNodeDump(buf, payload.front()->doc, payload.front(), 0, 0);
  const std::string bodyXml(reinterpret_cast<const char*>(xmlBufferContent(buf)), xmlBufferLength(buf));
  xmlBufferFree(buf);
  std::string error;
  const auto q = parseHentRequest(bodyXml, error);
  if (!q) return fault("Client", "HentData: " + error);
  if (q->action != action) return fault("Client", "wsa:Action skal være \"" + base + q->action + "\".");
  if (action == kHentAlleTilbud) {
    std::vector<ListEntry> entries;
    if (settings_->tilbudIds)
      for (const std::string& id : *settings_->tilbudIds) entries.push_back({id, "Tilbud " + id});
    return net::HttpResponse{200, "text/xml; charset=utf-8", hentListResponse(action, entries), {}, false};
  }
  if (action == kHentLandeliste)  // the sandbox knows no country list: an empty answer (the hub keeps none)
    return net::HttpResponse{200, "text/xml; charset=utf-8", hentListResponse(action, {}), {}, false};
  const HentAction* a = recordAction(action);
  if (!a) return fault("Client", "Ukendt HentData-operation '" + action + "'.");
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SmdbRecord> out;
  for (SandboxRecord& r : records_->query(q->kommune, a->skemaer, q->cpr)) out.push_back(std::move(r));
  return net::HttpResponse{200, "text/xml; charset=utf-8", hentRecordsResponse(action, out), {}, false};
}

net::HttpResponse SmdbSandbox::handleTokenTest(const net::HttpRequest&, const security::VerifiedRequest& v) {
  const std::string base = kTokenTestActionBase;
  const std::string op = v.action.rfind(base, 0) == 0 ? v.action.substr(base.size()) : std::string();
  std::string result;
  if (op == "WhoAmI") {
    const auto& a = *v.assertion;
    const auto cvr = a.attributes.find(security::kCvrAttribute);
    result = a.nameId + (cvr != a.attributes.end() ? " (CVR " + cvr->second + ")" : std::string());
  } else if (op == "Echo") {
    const auto payload = security::childElements(v.body);
    result = payload.empty() ? std::string() : security::textOf(payload.front());
  } else if (op == "Throw") {
    return inVersion(fault("Server", "TokenTest Throw: en fejl, som bedt om / an error, as asked"), version_);
  } else {
    return inVersion(fault("Client", "Ukendt TokenTest-operation / unknown TokenTest action: " + v.action), version_);
  }
  net::HttpResponse r;
  r.contentType = version_ == security::SoapVersion::k11 ? "text/xml; charset=utf-8" : "application/soap+xml; charset=utf-8";
  r.body = std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"") +
           security::soapNamespace(version_) + "\"><s:Body><" + op + "Response xmlns=\"" + kSmdbNamespace + "\"><" + op +
           "Result>" + security::xmlEscape(result) + "</" + op + "Result></" + op + "Response></s:Body></s:Envelope>";
  return r;
}

net::HttpResponse SmdbSandbox::handleIndsaet(const net::HttpRequest& request, security::XmlDocPtr verifiedDoc) {
  SoapCall call;
  if (auto refused = readEnvelope(request, call, std::move(verifiedDoc))) return *refused;
  if (auto refused = readParts(call)) return *refused;
  std::lock_guard<std::mutex> lock(mu_);
  Plan plan;
  if (auto refused = planCall(*records_, call, plan)) return *refused;
  return commit(*records_, ruleContext(), plan, call.opName, call.self.kildeId);
}

namespace {

net::HttpResponse json(int status, const std::string& body) {
  return net::HttpResponse{status, "application/json", body, {}, false};
}
net::HttpResponse jsonError(int status, const std::string& why) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("error");
  w.String(why.c_str());
  w.EndObject();
  return json(status, b.GetString());
}

// A web-form sag: {"kommune":"330","cpr":"…","sag":"<SmdbId>"?,
// "skemaer":[{"skema":"ANM","fields":{"AnmodningDato":"2026-01-05T00:00:00",…}},…]}.
bool readWebSag(const std::string& body, std::string& kommune, std::string& cpr, std::string& sag,
                std::vector<IncomingSkema>& skemaer, std::string& why) {
  rapidjson::Document d;
  if (d.Parse(body.c_str(), body.size()).HasParseError() || !d.IsObject())
    return why = "expected a JSON object", false;
  const auto str = [&](const char* k) {
    return d.HasMember(k) && d[k].IsString() ? std::string(d[k].GetString(), d[k].GetStringLength()) : std::string();
  };
  kommune = str("kommune");
  cpr = str("cpr");
  sag = str("sag");
  if (!d.HasMember("skemaer") || !d["skemaer"].IsArray()) return why = "expected \"skemaer\": [...]", false;
  for (const auto& e : d["skemaer"].GetArray()) {
    if (!e.IsObject() || !e.HasMember("skema") || !e["skema"].IsString()) return why = "each skema needs \"skema\"", false;
    const auto skema = skemaFromName(e["skema"].GetString());
    if (!skema) return why = std::string("unknown skema '") + e["skema"].GetString() + "'", false;
    IncomingSkema in{*skema, {}};
    if (e.HasMember("fields") && e["fields"].IsObject())
      for (const auto& f : e["fields"].GetObject())
        if (f.value.IsString()) in.fields.emplace_back(f.name.GetString(), f.value.GetString());
    skemaer.push_back(std::move(in));
  }
  if (skemaer.empty()) return why = "no skemaer", false;
  return true;
}

}  // namespace

net::HttpResponse SmdbSandbox::handleControl(const net::HttpRequest& request) {
  if (request.path == "/sandbox/records" && request.method == "GET") return listRecords();
  if (request.path == "/sandbox/records" && request.method == "POST") return putWebRecords(request);
  if (request.path.rfind("/sandbox/records/", 0) == 0 && request.method == "DELETE")
    return deleteRecord(request.path.substr(std::strlen("/sandbox/records/")));
  if (request.path == "/sandbox/faults" && request.method == "POST") {
    rapidjson::Document d;
    if (d.Parse(request.body.c_str(), request.body.size()).HasParseError() || !d.IsObject())
      return jsonError(400, "expected {\"failEvery\": n, \"dropAfterStore\": n}");
    std::lock_guard<std::mutex> lock(mu_);
    if (d.HasMember("failEvery") && d["failEvery"].IsInt()) {
      failEvery_ = d["failEvery"].GetInt();
      serviceCalls_ = 0;
    }
    if (d.HasMember("dropAfterStore") && d["dropAfterStore"].IsInt()) dropAfterStore_ = d["dropAfterStore"].GetInt();
    return json(200, "{}");
  }
  return notFound();
}

net::HttpResponse SmdbSandbox::listRecords() {
  std::lock_guard<std::mutex> lock(mu_);
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartArray();
  for (const SandboxRecord& r : records_->all()) {
    w.StartObject();
    const auto kv = [&](const char* k, const std::string& v) {
      w.Key(k);
      w.String(v.c_str());
    };
    kv("smdbId", r.smdbId);
    kv("sag", r.sagId);
    kv("parent", r.parentId);
    kv("skema", std::string(skemaName(r.skema)));
    kv("kildeId", r.kildeId);
    w.Key("version");
    w.Int(r.version);
    kv("kommune", r.kommune);
    kv("operation", r.operation);
    kv("origin", r.origin);
    const auto cpr = model::Cpr::parse(r.cpr);
    kv("citizen", cpr ? cpr->masked() : std::string());
    w.Key("fields");
    w.StartObject();
    for (const auto& [k, v] : r.fields)
      if (k != "PersonIdentifikator" && k != "PersonNavn") kv(k.c_str(), v);  // no personal data on the control plane
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  return json(200, b.GetString());
}

net::HttpResponse SmdbSandbox::putWebRecords(const net::HttpRequest& request) {
  std::string kommune, cpr, sag, why;
  std::vector<IncomingSkema> skemaer;
  if (!readWebSag(request.body, kommune, cpr, sag, skemaer, why)) return jsonError(400, why);
  std::lock_guard<std::mutex> lock(mu_);
  Plan plan;
  plan.sagId = sag;
  std::vector<SandboxRecord> held;
  if (!sag.empty()) {
    held = records_->ofSag(sag);
    if (held.empty()) return jsonError(404, "no sag " + sag);
    kommune = held.front().kommune;
    cpr = held.front().cpr;
  }
  if (kommune.size() != 3 || !model::Cpr::parse(cpr)) return jsonError(400, "a new sag needs \"kommune\" (3 digits) and \"cpr\"");
  plan.kommune = kommune;
  plan.cpr = cpr;
  const SandboxRecord* anm = firstOf(held, Skema::kAnm);
  const SandboxRecord* ivaer = firstOf(held, Skema::kIvaer);
  std::optional<size_t> newAnm, newIvaer;
  for (IncomingSkema& in : skemaer) {
    SandboxRecord c;
    c.skema = in.skema;
    c.origin = "web";
    c.operation = "SMDB-web";
    c.kommune = kommune;
    c.cpr = cpr;
    if (in.skema == Skema::kAnm) {
      if (anm || newAnm) return jsonError(400, "a sag has one anmodning");
      // The sag's kommune and citizen are the top-level ones, once.
      in.fields.erase(std::remove_if(in.fields.begin(), in.fields.end(),
                                     [](const auto& f) { return f.first == "KommuneKode" || f.first == "PersonIdentifikator"; }),
                      in.fields.end());
      in.fields.emplace_back("KommuneKode", kommune);
      in.fields.emplace_back("PersonIdentifikator", cpr);
      newAnm = plan.changes.size();
    } else {
      const std::string anmRef = anm ? anm->smdbId : newAnm ? "#" + std::to_string(*newAnm) : std::string();
      const std::string ivaerRef = ivaer ? ivaer->smdbId : newIvaer ? "#" + std::to_string(*newIvaer) : std::string();
      const bool onIvaer = in.skema == Skema::kTilb || in.skema == Skema::kKvalhep;
      c.parentId = onIvaer ? ivaerRef : anmRef;
      c.sagId = anm ? anm->sagId : anmRef;
      if (c.parentId.empty()) return jsonError(400, std::string(skemaName(in.skema)) + " needs its parent in the sag");
      if (in.skema == Skema::kIvaer) newIvaer = plan.changes.size();
    }
    c.fields = std::move(in.fields);
    plan.changes.push_back(std::move(c));
  }
  const auto errors = judgeSag(plan.changes, plan.sagId, records_->ofCitizen(cpr), ruleContext(), why);
  if (!why.empty()) return jsonError(400, why);
  if (!errors.empty()) {
    std::string all;
    for (const diag::Diagnostic& d : errors) all += d.rule + ": " + d.message + "\n";
    return jsonError(422, all);
  }
  const auto ids = records_->write(plan.changes);
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("records");
  w.StartArray();
  for (const std::string& id : ids) w.String(id.c_str());
  w.EndArray();
  w.EndObject();
  return json(201, b.GetString());
}

net::HttpResponse SmdbSandbox::deleteRecord(const std::string& smdbId) {
  std::lock_guard<std::mutex> lock(mu_);
  switch (records_->remove(smdbId)) {
    case SandboxRecords::Removed::kRemoved: return json(200, "{}");
    case SandboxRecords::Removed::kNotFound: return jsonError(404, "no record " + smdbId);
    case SandboxRecords::Removed::kHasChildren:
      return jsonError(409, "records hang on " + smdbId + ": delete from the back (Vejledning om systemskifte 3.2)");
  }
  return jsonError(500, "unreachable");
}

}  // namespace reghub::smdb
