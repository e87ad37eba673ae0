#include "adapters/smdb/soap_render.h"

#include <libxml/tree.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "adapters/smdb/smdb_adapter.h"
#include "hub/util/hash.h"

namespace reghub::smdb {

namespace {

// The element layout (README.md "SOAP layout"). The spec has no
// IndsaetAnmodning: the anmodning travels inside IndsaetIvaerksaettelse,
// and inside AfslutBehandling for a forløb that was never iværksat.
struct Part {
  const char* element;
  Skema skema;
};
struct Operation {
  const char* name;
  std::vector<Part> parts;
};
const Operation kIvaerksaettelse{"IndsaetIvaerksaettelse", {{"Anmodning", Skema::kAnm}, {"Ivaerksaettelse", Skema::kIvaer}}};
const Operation kTilknytning{"IndsaetTilbudstilknytning", {{"Tilbudstilknytning", Skema::kTilb}}};
const Operation kKvalHep{"IndsaetKvalHep", {{"KvalHep", Skema::kKvalhep}}};
const Operation kAfslutning{"AfslutBehandling", {{"Afslutning", Skema::kAfsl}}};
const Operation kAfslutningUdenIvaerksaettelse{"AfslutBehandling",
                                               {{"Anmodning", Skema::kAnm}, {"Afslutning", Skema::kAfsl}}};

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// XML Schema lexical forms: xs:dateTime for the spec's Datetime, xs:boolean.
std::string wireValue(const FieldValue& v) {
  if (v.date) return v.date->iso() + "T00:00:00";
  if (v.boolean) return *v.boolean ? "true" : "false";
  return v.text;
}

// Appends the fields of one skema in table order; returns the canonical
// "name=value\n" text the content hash is taken over.
std::string addFields(xmlNode* parent, xmlNs* ns, const ForloebView& v, const SkemaForm& f, const FieldTable& table) {
  std::string canonical;
  const Lookup lookup{v, &f};
  for (const FieldDef& d : table.fields(f.skema)) {
    std::string value;
    if (d.variable == "PersonIdentifikator") {
      if (!v.citizen->cpr) continue;
      value = v.citizen->cpr->digits();
    } else if (table.rules().computed.count(d.variable)) {
      const auto it = v.computed.find(d.variable);
      if (it == v.computed.end()) continue;
      value = it->second.text;
    } else {
      const FieldValue* fv = f.get(d.variable);
      if (!fv) continue;
      if (d.shownIf && !evaluate(*d.shownIf, lookup)) continue;  // hidden fields are never sent (GEN-13)
      value = wireValue(*fv);
    }
    xmlNewTextChild(parent, ns, x(d.variable.c_str()), x(value.c_str()));
    canonical += d.variable + "=" + value + "\n";
  }
  return canonical;
}

std::string dayOf(const SkemaForm& f, const char* anchor) {
  if (f.form->source.lastUpdated) return f.form->source.lastUpdated->copenhagenDate().iso();
  if (f.form->authored) return f.form->authored->copenhagenDate().iso();
  if (const auto d = f.date(anchor)) return d->iso();
  return {};
}

engine::OutboundMessage build(const ForloebView& v, const FieldTable& table, const Operation& op,
                              const std::vector<const SkemaForm*>& forms, std::string key,
                              std::vector<std::string> dependsOn, const engine::PriorDeliveries& prior,
                              const char* dayAnchor, const std::vector<std::string>& alsoRefers = {}) {
  std::unique_ptr<xmlDoc, DocDeleter> doc(xmlNewDoc(x("1.0")));
  xmlNode* env = xmlNewNode(nullptr, x("Envelope"));
  xmlNs* soap = xmlNewNs(env, x(kSoapNamespace), x("s"));
  xmlSetNs(env, soap);
  xmlDocSetRootElement(doc.get(), env);
  xmlNode* body = xmlNewChild(env, soap, x("Body"), nullptr);
  xmlNode* opNode = xmlNewChild(body, nullptr, x(op.name), nullptr);
  xmlNs* ns = xmlNewNs(opNode, x(kSmdbNamespace), nullptr);
  xmlSetNs(opNode, ns);

  // References: our stable key, the registry's ids learned earlier
  // (HentData / receipts) for this record and the records it hangs on.
  xmlNode* ref = xmlNewChild(opNode, ns, x("Reference"), nullptr);
  xmlNewTextChild(ref, ns, x("KildeId"), x(key.c_str()));
  if (const auto id = prior.registryId(key)) xmlNewTextChild(ref, ns, x("SmdbId"), x(id->c_str()));
  std::vector<std::string> parents = alsoRefers;
  parents.insert(parents.end(), dependsOn.begin(), dependsOn.end());
  for (const std::string& parent : parents) {
    xmlNode* p = xmlNewChild(ref, ns, x("Foraelder"), nullptr);
    xmlNewTextChild(p, ns, x("KildeId"), x(parent.c_str()));
    if (const auto id = prior.registryId(parent)) xmlNewTextChild(p, ns, x("SmdbId"), x(id->c_str()));
  }

  std::string canonical = std::string(op.name) + "\n";
  for (size_t i = 0; i < op.parts.size() && i < forms.size(); ++i) {
    xmlNode* part = xmlNewChild(opNode, ns, x(op.parts[i].element), nullptr);
    canonical += std::string("[") + op.parts[i].element + "]\n" + addFields(part, ns, v, *forms[i], table);
  }

  xmlChar* mem = nullptr;
  int size = 0;
  xmlDocDumpFormatMemoryEnc(doc.get(), &mem, &size, "UTF-8", 1);
  engine::OutboundMessage m;
  m.body.assign(reinterpret_cast<const char*>(mem), static_cast<size_t>(size));
  xmlFree(mem);

  m.registry = "smdb";
  m.kind = op.name;
  m.idempotencyKey = std::move(key);
  m.contentHash = util::sha256Hex(canonical);
  m.dependsOn = std::move(dependsOn);
  m.citizenCpr = v.citizen->cpr ? v.citizen->cpr->digits() : std::string();
  m.citizenMasked = v.citizen->maskedCpr();
  m.forloebKey = v.forloeb->key;
  m.kommune = v.forloeb->municipality ? v.forloeb->municipality->municipalityCode : std::string();
  m.deliveryDay = dayOf(*forms.back(), dayAnchor);
  m.method = "POST";
  m.target = kIndsaetTarget;
  m.contentType = "text/xml; charset=utf-8";
  // SOAP 1.1 sends the action URI as a quoted string (WS-I Basic Profile R1109).
  m.headers["SOAPAction"] = std::string("\"") + kActionBase + op.name + "\"";
  return m;
}

}  // namespace

std::string messageKey(const ForloebView& v, Skema s, const std::string& sourceId) {
  std::string k = "smdb/" + v.kommune3 + "/" + v.forloeb->key + "/" + std::string(skemaName(s));
  if (!sourceId.empty()) k += "/" + sourceId;
  return k;
}

std::vector<engine::OutboundMessage> renderForloeb(const ForloebView& v, const FieldTable& table,
                                                   const engine::PriorDeliveries& prior) {
  std::vector<engine::OutboundMessage> out;
  const SkemaForm* anm = v.first(Skema::kAnm);
  if (!anm) return out;
  std::map<std::string, std::string> days;  // key → delivery day, for dependants without a date of their own
  const auto emit = [&](engine::OutboundMessage&& m) {
    // A skema without a date of its own (KvalHep) belongs to the day of its latest dependency.
    if (m.deliveryDay.empty())
      for (const std::string& dep : m.dependsOn)
        if (const auto it = days.find(dep); it != days.end() && it->second > m.deliveryDay) m.deliveryDay = it->second;
    days[m.idempotencyKey] = m.deliveryDay;
    const auto last = prior.lastContentHash(m.idempotencyKey);
    if (!last || *last != m.contentHash) out.push_back(std::move(m));
  };
  std::vector<std::string> all;
  const SkemaForm* ivaer = v.first(Skema::kIvaer);
  std::string ivaerKey;
  if (ivaer) {
    ivaerKey = messageKey(v, Skema::kIvaer);
    // The anmodning has no message of its own: it is named as a parent so
    // that a sag SMDB already holds (ours, or one adopted) is updated.
    emit(build(v, table, kIvaerksaettelse, {anm, ivaer}, ivaerKey, {}, prior, "IvaerksatBehandlingDato",
               {messageKey(v, Skema::kAnm)}));
    all.push_back(ivaerKey);
    std::vector<std::string> tilbKeys;
    std::set<std::string> used;
    // SMDB checks TILB-03 (one tilknytning starts on 1-IVÆR) as each
    // tilknytning arrives, so they are sent in start-date order: each waits
    // for the one before it, and the one on 1-IVÆR goes first.
    // (The view holds them in start-date order already, ties by source id.)
    std::vector<const SkemaForm*> tilb;
    for (const SkemaForm& t : v.of(Skema::kTilb)) tilb.push_back(&t);
    for (const SkemaForm* t : tilb) {
      std::string k = messageKey(v, Skema::kTilb, t->sourceId());
      // Two responses with the same identifier must still be two messages.
      if (!used.insert(k).second) used.insert(k += "/" + t->form->resourceId);
      std::vector<std::string> deps{ivaerKey};
      if (!tilbKeys.empty()) deps.push_back(tilbKeys.back());
      emit(build(v, table, kTilknytning, {t}, k, std::move(deps), prior, "TilbudTilknyttetBehandlingStartDato"));
      tilbKeys.push_back(k);
      all.push_back(std::move(k));
    }
    if (const SkemaForm* kval = v.first(Skema::kKvalhep)) {
      std::vector<std::string> deps{ivaerKey};
      deps.insert(deps.end(), tilbKeys.begin(), tilbKeys.end());
      std::string k = messageKey(v, Skema::kKvalhep);
      emit(build(v, table, kKvalHep, {kval}, k, std::move(deps), prior, "IvaerksatBehandlingDato"));
      all.push_back(std::move(k));
    }
  }
  if (const SkemaForm* afsl = v.first(Skema::kAfsl)) {
    if (ivaer)
      emit(build(v, table, kAfslutning, {afsl}, messageKey(v, Skema::kAfsl), all, prior, "BehandlingAfsluttetDato"));
    else
      emit(build(v, table, kAfslutningUdenIvaerksaettelse, {anm, afsl}, messageKey(v, Skema::kAfsl), {}, prior,
                 "BehandlingAfsluttetDato", {messageKey(v, Skema::kAnm)}));
  }
  return out;
}

namespace {
// translate --since: the deliveries of earlier days were made then (CONTRACT §3).
void appendSince(std::vector<engine::OutboundMessage>&& messages, const engine::RunContext& ctx,
                 std::vector<engine::OutboundMessage>& out) {
  for (auto& m : messages) {
    if (ctx.since && !m.deliveryDay.empty() && m.deliveryDay < ctx.since->iso()) continue;
    out.push_back(std::move(m));
  }
}
}  // namespace

std::vector<engine::OutboundMessage> SmdbAdapter::render(const model::Citizen& citizen,
                                                         const std::vector<const model::Forloeb*>& selected,
                                                         const engine::RunContext& ctx,
                                                         const engine::PriorDeliveries& prior) const {
  std::vector<engine::OutboundMessage> out;
  std::vector<model::Forloeb> copies;
  for (const model::Forloeb* f : effectiveForloeb(*settings_, selected, copies))
    appendSince(renderForloeb(buildView(citizen, *f, *table_), *table_, prior), ctx, out);
  return out;
}

namespace {
// The registry ids of adopted sager first (held_sager.h), then what the store knows.
class WithAdopted final : public engine::PriorDeliveries {
 public:
  WithAdopted(const engine::PriorDeliveries& prior, const std::map<std::string, std::string>& ids)
      : prior_(prior), ids_(ids) {}
  std::optional<std::string> lastContentHash(std::string_view key) const override { return prior_.lastContentHash(key); }
  std::optional<std::string> registryId(std::string_view key) const override {
    if (const auto it = ids_.find(std::string(key)); it != ids_.end()) return it->second;
    return prior_.registryId(key);
  }
  std::vector<engine::RegistryRecord> registryRecords(std::string_view registry, const std::string& cpr) const override {
    return prior_.registryRecords(registry, cpr);
  }

 private:
  const engine::PriorDeliveries& prior_;
  const std::map<std::string, std::string>& ids_;
};
}  // namespace

std::vector<engine::OutboundMessage> SmdbAdapter::render(const engine::PreparedCitizen& prepared,
                                                         const std::vector<const model::Forloeb*>& clean,
                                                         const engine::PriorDeliveries& prior) const {
  const auto* p = dynamic_cast<const PreparedSmdb*>(&prepared);
  if (!p || p->views.size() != p->selected().size()) return Adapter::render(prepared, clean, prior);
  // Systemskifte and the view of a forløb depend on that forløb alone, so
  // the prepared view of each clean forløb is the one render() would build.
  std::vector<engine::OutboundMessage> out;
  size_t next = 0;  // clean is a subsequence of selected()
  for (size_t i = 0; i < p->views.size() && next < clean.size(); ++i) {
    if (p->selected()[i] != clean[next]) continue;
    ++next;
    appendSince(renderForloeb(p->views[i], *table_, WithAdopted(prior, p->adopted)), p->ctx(), out);
  }
  if (next != clean.size()) return Adapter::render(prepared, clean, prior);  // not a subsequence
  return out;
}

}  // namespace reghub::smdb
