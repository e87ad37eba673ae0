#include "adapters/smdb/sandbox.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>

#include "adapters/smdb/rules.h"
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

// What the sandbox holds for one kontaktforløb: a citizen with one forløb
// whose forms are the accepted skemaer, and the ids it handed out.
struct SmdbSandbox::Stored {
  model::Citizen citizen;
  std::map<std::string, std::string> smdbIds;  // KildeId → SmdbId
};

SmdbSandbox::SmdbSandbox(std::shared_ptr<const FieldTable> table, std::shared_ptr<const Municipalities> kommuner,
                         const engine::SandboxOptions& options, std::shared_ptr<const Settings> settings)
    : table_(std::move(table)), kommuner_(std::move(kommuner)), settings_(std::move(settings)),
      asOf_(settings_->sandboxAsOf), requestedPort_(options.port), tlsDir_(settings_->sandboxTlsDir),
      version_(settings_->idws.soapVersion) {}

SmdbSandbox::~SmdbSandbox() {
  stop();
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
struct SoapCall {
  std::unique_ptr<xmlDoc, DocDeleter> doc;  // owns the nodes below
  const xmlNode* op = nullptr;
  std::string opName;
  std::string kildeId;
  std::vector<std::pair<Skema, const xmlNode*>> parts;
  std::vector<std::string> segs;  // of KildeId: smdb/<kommune>/<forløb>/…
  std::string forloebKey;
};

using Refusal = std::optional<net::HttpResponse>;

net::HttpResponse notFound() {
  net::HttpResponse r;
  r.status = 404;
  r.body = "SMDB sandbox: POST SOAP envelopes to " + std::string(kIndsaetTarget) + "\n";
  return r;
}

// The envelope: well-formed XML without DTD, one known operation in the
// Body, and the SOAPAction that names it.
Refusal readEnvelope(const net::HttpRequest& request, SoapCall& call) {
  // No DTDs: external entities (XXE) and entity expansion (billion laughs)
  // are refused before libxml2 sees the document, as in hub/ingest.
  if (request.body.find("<!DOCTYPE") != std::string::npos || request.body.find("<!ENTITY") != std::string::npos)
    return fault("Client", "DOCTYPE/ENTITY er ikke tilladt i SOAP-forespørgslen.");
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

// The operation's Reference/KildeId and its skema parts.
Refusal readParts(SoapCall& call) {
  for (const xmlNode* c : elements(call.op)) {
    if (!inNs(c, kSmdbNamespace)) return fault("Client", "Elementet '" + name(c) + "' er ikke i SMDB's namespace.");
    if (name(c) == "Reference") {
      for (const xmlNode* r : elements(c))
        if (name(r) == "KildeId") call.kildeId = text(r);
      continue;
    }
    const auto p = kParts.find(name(c));
    if (p == kParts.end()) return fault("Client", "Ukendt element '" + name(c) + "' i " + call.opName + ".");
    call.parts.emplace_back(p->second, c);
  }
  call.segs = util::split(call.kildeId, '/');
  if (call.segs.size() < 4 || call.segs[0] != "smdb")
    return fault("Client", "Reference/KildeId mangler eller har forkert form.");
  call.forloebKey = call.segs[0] + "/" + call.segs[1] + "/" + call.segs[2];
  return std::nullopt;
}

// The stored citizen's one forløb, made on its first skema.
model::Forloeb& forloebOf(model::Citizen& citizen, const SoapCall& call) {
  if (citizen.forloeb.empty()) {
    model::Forloeb f;
    f.key = call.segs[2];
    f.resourceId = call.segs[2];
    f.source.reference = "SMDB/" + call.forloebKey;
    f.source.file = "sandbox";
    citizen.forloeb.push_back(f);
    citizen.source.file = "sandbox";
  }
  return citizen.forloeb.front();
}

// An element's text as the answer type its field declares; a value that is
// not of that XML Schema type is refused as the web service refuses it.
Refusal typeAnswer(const FieldDef* d, model::Answer& a) {
  a.type = model::Answer::Type::kString;
  if (d && d->codes.empty() && d->codeSourcePattern.empty()) {
    if (d->type == DataType::kDatetime) {
      a.type = model::Answer::Type::kDateTime;
      a.date = model::DateTime::parse(a.text);
      if (!a.date) return fault("Client", a.linkId + ": '" + a.text + "' er ikke en xs:dateTime.");
    } else if (d->type == DataType::kInteger && d->pattern.empty()) {
      if (!util::isAllDigits(a.text) || a.text.empty() || a.text.size() > 9)
        return fault("Client", a.linkId + ": '" + a.text + "' er ikke et heltal.");
      a.type = model::Answer::Type::kInteger;
      a.integer = std::stol(a.text);
    } else if (d->type == DataType::kBoolean) {
      if (a.text != "true" && a.text != "false")
        return fault("Client", a.linkId + ": '" + a.text + "' er ikke en xs:boolean.");
      a.type = model::Answer::Type::kBoolean;
      a.boolean = a.text == "true";
    }
  } else if (d) {
    a.type = model::Answer::Type::kCode;
  }
  return std::nullopt;
}

// The anmodning carries the citizen and the myndighedskommune.
Refusal takeAnmodningFact(const model::Answer& a, model::Citizen& citizen, model::Forloeb& f) {
  if (a.linkId == "PersonIdentifikator") {
    citizen.cpr = model::Cpr::parse(a.text);
    citizen.hasCprIdentifier = true;
    if (!citizen.cpr) return fault("Client", "[6-ANM] PersonIdentifikator er ikke et gyldigt CPR-nummer.");
  } else if (a.linkId == "PersonKoenKode") {
    citizen.gender = a.text == "00" ? model::Gender::kFemale : model::Gender::kMale;
  } else if (a.linkId == "PersonNavn") {
    citizen.name = a.text;
  } else if (a.linkId == "KommuneKode") {
    f.municipality = model::Organization{a.text.size() == 3 ? "0" + a.text : a.text, "", ""};
  }
  return std::nullopt;
}

// One skema part as the form the hub would have read.
Refusal readForm(const SoapCall& call, Skema skema, const xmlNode* node, const FieldTable& table,
                 model::Citizen& citizen, model::Forloeb& f, model::FormResponse& form) {
  form.questionnaire = "urn:reghub:smdb:" + std::string(skemaName(skema));
  form.status = "completed";
  form.identifier = skema == Skema::kAnm ? call.forloebKey + "/ANM" : call.kildeId;
  form.resourceId = form.identifier;
  form.source.file = "sandbox";
  form.source.reference = call.opName + "/" + std::string(skemaName(skema));
  int i = 0;
  for (const xmlNode* e : elements(node)) {
    model::Answer a;
    a.linkId = name(e);
    a.itemIndex = i;
    a.path = name(e);
    a.text = text(e);
    if (auto refused = typeAnswer(table.find(skema, a.linkId), a)) return refused;
    if (skema == Skema::kAnm)
      if (auto refused = takeAnmodningFact(a, citizen, f)) return refused;
    form.answers.push_back(std::move(a));
    ++i;
  }
  return std::nullopt;
}

// A skema sent again replaces the one with its identifier.
void putForm(model::Forloeb& f, model::FormResponse&& form) {
  const auto same = std::find_if(f.forms.begin(), f.forms.end(),
                                 [&](const model::FormResponse& x) { return x.identifier == form.identifier; });
  if (same != f.forms.end())
    *same = std::move(form);
  else
    f.forms.push_back(std::move(form));
}

// The same rules as the hub, over the forløb as it would stand, and one
// active kontaktforløb per citizen and kommune (ANM-01) against `others`:
// the same citizen's stored forløb.
void judgeForloeb(const model::Citizen& citizen, const model::Forloeb& f,
                  const std::vector<const model::Citizen*>& others, const RuleContext& rc, const FieldTable& table,
                  diag::Collector& found) {
  const diag::Reporter out(found, "smdb");
  ForloebView view = buildView(citizen, f, table);
  checkFields(view, rc, out);
  checkForloeb(view, rc, out);
  if (!citizen.cpr) return;
  // Stored forløb first: on the same anmodningsdato the one arriving now is the later one.
  std::vector<ForloebView> all;
  for (const model::Citizen* other : others) all.push_back(buildView(*other, other->forloeb.front(), table));
  all.push_back(std::move(view));  // a view is moved, never copied (it points into itself)
  diag::Collector cross;
  checkCitizen(all, rc, diag::Reporter(cross, "smdb"));
  for (const diag::Diagnostic& d : cross.diagnostics())
    if (d.forloeb == f.display()) found.report(d);
}

// Every error, as SMDB answers them: one fault naming each rule.
net::HttpResponse rejection(const diag::Collector& found) {
  std::string why;
  for (const diag::Diagnostic& d : found.diagnostics())
    if (d.severity == diag::Severity::kError)
      why += d.rule + (d.field.empty() ? "" : " [" + d.field + "]") + ": " + d.message + "\n";
  return fault("Client", why);
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

net::HttpResponse SmdbSandbox::handle(const net::HttpRequest& request) {
  if (!verifier_) {  // start() makes the PKI the checks need
    net::HttpResponse r;
    r.status = 503;
    r.body = "SMDB sandbox: not started\n";
    return r;
  }
  if (request.method == "POST" && request.path == kStsPath) return sts_->handle(request);
  if (request.method != "POST" || (request.path != kIndsaetTarget && request.path != kTokenTestTarget)) return notFound();
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
  return inVersion(handleIndsaet(request), version_);
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

net::HttpResponse SmdbSandbox::handleIndsaet(const net::HttpRequest& request) {
  SoapCall call;
  if (auto refused = readEnvelope(request, call)) return *refused;
  if (auto refused = readParts(call)) return *refused;

  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = forloeb_[call.forloebKey];
  Stored next = slot ? *slot : Stored{};
  model::Forloeb& f = forloebOf(next.citizen, call);
  for (const auto& [skema, node] : call.parts) {
    model::FormResponse form;
    if (auto refused = readForm(call, skema, node, *table_, next.citizen, f, form)) return *refused;
    putForm(f, std::move(form));
  }

  std::vector<const model::Citizen*> others;  // the same citizen's other stored forløb
  if (next.citizen.cpr)
    for (const auto& [key, other] : forloeb_)
      if (key != call.forloebKey && other && other->citizen.cpr && *other->citizen.cpr == *next.citizen.cpr)
        others.push_back(&other->citizen);
  const model::Date today = asOf_.value_or(model::copenhagenToday());
  const RuleContext rc{*table_, *kommuner_, *settings_, today, nullptr};
  diag::Collector found;
  judgeForloeb(next.citizen, f, others, rc, *table_, found);
  if (found.hasErrors()) return rejection(found);

  std::string& id = next.smdbIds[call.kildeId];
  if (id.empty()) id = std::to_string(nextId_++);
  const std::string smdbId = id;
  slot = std::make_unique<Stored>(std::move(next));
  return receipt(call.opName, call.kildeId, smdbId);
}

}  // namespace reghub::smdb
