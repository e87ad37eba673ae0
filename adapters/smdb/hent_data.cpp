#include "adapters/smdb/hent_data.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "adapters/smdb/soap_render.h"
#include "hub/security/xml_doc.h"
#include "hub/util/strings.h"

namespace reghub::smdb {

namespace {

using security::childElements;
using security::textOf;
using security::xmlEscape;

std::string local(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }
bool ours(const xmlNode* n) {
  return n->ns && std::strcmp(reinterpret_cast<const char*>(n->ns->href), kSmdbNamespace) == 0;
}

const std::map<Skema, const char*>& elements() {
  static const std::map<Skema, const char*> m = {
      {Skema::kAnm, "Anmodning"},       {Skema::kIvaer, "Ivaerksaettelse"}, {Skema::kTilb, "Tilbudstilknytning"},
      {Skema::kKvalhep, "KvalHep"},     {Skema::kAfsl, "Afslutning"},       {Skema::kInds, "Indskrivning"},
      {Skema::kYdel, "Ydelse"},         {Skema::kUdsk, "Udskrivning"}};
  return m;
}

std::string envelope(const std::string& inner) {
  return std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"") + kSoapNamespace +
         "\"><s:Body>" + inner + "</s:Body></s:Envelope>";
}

std::string tag(const std::string& name, const std::string& value) {
  return "<" + name + ">" + xmlEscape(value) + "</" + name + ">";
}

// The answer's <action>Result element, from a SOAP 1.1 or 1.2 envelope.
const xmlNode* resultOf(xmlDoc* doc, const std::string& action, std::string& error) {
  const xmlNode* env = xmlDocGetRootElement(doc);
  const xmlNode* body = nullptr;
  for (const char* ns : {security::ns::kSoap11, security::ns::kSoap12})
    if (!body && env && security::isElement(env, ns, "Envelope")) body = security::firstChild(env, ns, "Body");
  if (!body) {
    error = "the answer is not a SOAP envelope with a Body";
    return nullptr;
  }
  const auto ops = childElements(body);
  if (ops.size() != 1 || !ours(ops[0]) || local(ops[0]) != action + "Response") {
    error = "the Body does not hold one " + action + "Response";
    return nullptr;
  }
  const xmlNode* result = security::firstChild(ops[0], kSmdbNamespace, (action + "Result").c_str());
  if (!result) error = action + "Response has no " + action + "Result";
  return result;
}

// One record element: its header elements, then Felter.
std::optional<SmdbRecord> readRecord(const xmlNode* e, Skema skema, std::string& error) {
  SmdbRecord r;
  r.skema = skema;
  for (const xmlNode* c : childElements(e)) {
    const std::string n = local(c);
    if (n == "SmdbId") r.smdbId = textOf(c);
    else if (n == "ForaelderSmdbId") r.parentId = textOf(c);
    else if (n == "SagSmdbId") r.sagId = textOf(c);
    else if (n == "KildeId") r.kildeId = textOf(c);
    else if (n == "KommuneKode") r.kommune = textOf(c);
    else if (n == "PersonIdentifikator") r.cpr = textOf(c);
    else if (n == "Version") {
      const std::string v = textOf(c);
      if (v.empty() || v.size() > 6 || !util::isAllDigits(v)) {
        error = std::string(recordElement(skema)) + " " + r.smdbId + ": Version is not a number";
        return std::nullopt;
      }
      r.version = std::stoi(v);
    } else if (n == "Felter") {
      for (const xmlNode* f : childElements(c)) r.fields.emplace_back(local(f), textOf(f));
    }
  }
  if (r.smdbId.empty()) {
    error = std::string(recordElement(skema)) + " without SmdbId";
    return std::nullopt;
  }
  if (r.sagId.empty() && skema == Skema::kAnm) r.sagId = r.smdbId;
  return r;
}

}  // namespace

const std::string* SmdbRecord::field(const std::string& variable) const {
  for (const auto& [k, v] : fields)
    if (k == variable) return &v;
  return nullptr;
}

const std::vector<HentAction>& recordActions() {
  static const std::vector<HentAction> a = {
      {"HentAnmodninger", {Skema::kAnm, Skema::kAfsl}},
      {"HentIvaerksaettelser", {Skema::kIvaer}},
      {"HentTilbudstilknytninger", {Skema::kTilb}},
      {"HentKvalHep", {Skema::kKvalhep}},
      {"HentIndskrivninger", {Skema::kInds, Skema::kUdsk}},
      {"HentYdelser", {Skema::kYdel}},
  };
  return a;
}

const HentAction* recordAction(const std::string& name) {
  for (const HentAction& a : recordActions())
    if (name == a.name) return &a;
  return nullptr;
}

const char* recordElement(Skema s) { return elements().at(s); }

std::optional<Skema> skemaOfRecordElement(const std::string& element) {
  for (const auto& [s, e] : elements())
    if (element == e) return s;
  return std::nullopt;
}

std::string hentRequest(const std::string& action, const std::string& kommune3, const std::string& cpr) {
  std::string x = "<" + action + " xmlns=\"" + kSmdbNamespace + "\">" + tag("KommuneKode", kommune3);
  if (!cpr.empty()) x += tag("PersonIdentifikator", cpr);
  return x + "</" + action + ">";
}

std::optional<HentQuery> parseHentRequest(const std::string& bodyXml, std::string& error) {
  const security::XmlDocPtr doc = security::parseXml(bodyXml, error);
  if (!doc) return std::nullopt;
  const xmlNode* op = xmlDocGetRootElement(doc.get());
  if (!op || !ours(op)) {
    error = std::string("the operation is not in SMDB's namespace (") + kSmdbNamespace + ")";
    return std::nullopt;
  }
  HentQuery q;
  q.action = local(op);
  for (const xmlNode* c : childElements(op)) {
    if (local(c) == "KommuneKode") q.kommune = textOf(c);
    else if (local(c) == "PersonIdentifikator") q.cpr = textOf(c);
    else {
      error = "unknown element '" + local(c) + "' in " + q.action;
      return std::nullopt;
    }
  }
  if (q.kommune.size() != 3 || !util::isAllDigits(q.kommune)) {
    error = q.action + " needs KommuneKode (3 digits)";
    return std::nullopt;
  }
  return q;
}

std::string hentRecordsResponse(const std::string& action, const std::vector<SmdbRecord>& records) {
  std::string x = "<" + action + "Response xmlns=\"" + kSmdbNamespace + "\"><" + action + "Result>";
  for (const SmdbRecord& r : records) {
    const std::string e = recordElement(r.skema);
    x += "<" + e + ">" + tag("SmdbId", r.smdbId);
    if (!r.parentId.empty()) x += tag("ForaelderSmdbId", r.parentId);
    x += tag("SagSmdbId", r.sagId);
    if (!r.kildeId.empty()) x += tag("KildeId", r.kildeId);
    x += tag("Version", std::to_string(r.version)) + tag("KommuneKode", r.kommune) + tag("PersonIdentifikator", r.cpr);
    x += "<Felter>";
    for (const auto& [k, v] : r.fields) x += tag(k, v);
    x += "</Felter></" + e + ">";
  }
  return envelope(x + "</" + action + "Result></" + action + "Response>");
}

std::string hentListResponse(const std::string& action, const std::vector<ListEntry>& entries) {
  const bool tilbud = action == kHentAlleTilbud;
  std::string x = "<" + action + "Response xmlns=\"" + kSmdbNamespace + "\"><" + action + "Result>";
  for (const ListEntry& e : entries)
    x += tilbud ? "<Tilbud>" + tag("TilbudId", e.code) + tag("Navn", e.name) + "</Tilbud>"
                : "<Land>" + tag("Kode", e.code) + tag("Navn", e.name) + "</Land>";
  return envelope(x + "</" + action + "Result></" + action + "Response>");
}

std::optional<std::vector<SmdbRecord>> parseHentRecords(const std::string& action, const std::string& envelopeText,
                                                        std::string& error) {
  const HentAction* a = recordAction(action);
  if (!a) {
    error = "'" + action + "' is not a HentData record action";
    return std::nullopt;
  }
  const security::XmlDocPtr doc = security::parseXml(envelopeText, error);
  if (!doc) return std::nullopt;
  const xmlNode* result = resultOf(doc.get(), action, error);
  if (!result) return std::nullopt;
  std::vector<SmdbRecord> out;
  for (const xmlNode* e : childElements(result)) {
    const auto skema = skemaOfRecordElement(local(e));
    if (!skema || std::find(a->skemaer.begin(), a->skemaer.end(), *skema) == a->skemaer.end()) {
      error = action + " answered an unexpected element '" + local(e) + "'";
      return std::nullopt;
    }
    auto r = readRecord(e, *skema, error);
    if (!r) return std::nullopt;
    out.push_back(std::move(*r));
  }
  return out;
}

std::optional<std::vector<ListEntry>> parseHentList(const std::string& action, const std::string& envelopeText,
                                                    std::string& error) {
  const security::XmlDocPtr doc = security::parseXml(envelopeText, error);
  if (!doc) return std::nullopt;
  const xmlNode* result = resultOf(doc.get(), action, error);
  if (!result) return std::nullopt;
  const bool tilbud = action == kHentAlleTilbud;
  std::vector<ListEntry> out;
  for (const xmlNode* e : childElements(result)) {
    ListEntry entry;
    for (const xmlNode* c : childElements(e)) {
      if (local(c) == (tilbud ? "TilbudId" : "Kode")) entry.code = textOf(c);
      if (local(c) == "Navn") entry.name = textOf(c);
    }
    if (entry.code.empty()) {
      error = action + ": an entry without " + (tilbud ? "TilbudId" : "Kode");
      return std::nullopt;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace reghub::smdb
