#include "adapters/smdb/systemskifte_tool.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "adapters/smdb/deletion_tasks.h"
#include "adapters/smdb/municipalities.h"
#include "adapters/smdb/record_form.h"
#include "adapters/smdb/smdb_adapter.h"
#include "adapters/smdb/soap_render.h"
#include "adapters/smdb/soap_transport.h"
#include "adapters/smdb/sync.h"
#include "adapters/smdb/systemskifte.h"
#include "hub/engine/adapter_registry.h"
#include "hub/util/strings.h"

namespace reghub::smdb {

namespace {

// Registry ids by message key, learning each receipt as the tool sends.
class KnownIds final : public engine::PriorDeliveries {
 public:
  std::optional<std::string> lastContentHash(std::string_view) const override { return std::nullopt; }
  std::optional<std::string> registryId(std::string_view key) const override {
    const auto it = ids.find(std::string(key));
    if (it == ids.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, std::string> ids;
};

std::optional<model::Date> dateField(const SmdbRecord* r, const char* variable) {
  if (!r) return std::nullopt;
  const std::string* v = r->field(variable);
  if (!v || v->size() < 10) return std::nullopt;
  return model::Date::parse(v->substr(0, 10));
}

const SmdbRecord* first(const std::vector<const SmdbRecord*>& sag, Skema s) {
  for (const SmdbRecord* r : sag)
    if (r->skema == s) return r;
  return nullptr;
}

// The message key each record of the sag is rendered under (forms are "rec-<SmdbId>").
std::map<std::string, std::string> keysOf(const ForloebView& v, const std::vector<const SmdbRecord*>& sag) {
  std::map<std::string, std::string> ids;
  for (const SmdbRecord* r : sag) {
    if (r->skema == Skema::kTilb)
      ids[messageKey(v, Skema::kTilb, "rec-" + r->smdbId)] = r->smdbId;
    else
      ids[messageKey(v, r->skema)] = r->smdbId;
  }
  return ids;
}

Settings model2(const Settings& base, const model::Date& d, Settings::SystemskifteRole role) {
  Settings s = base;
  s.systemskifteModel = Settings::SystemskifteModel::kModel2;
  s.systemskifteRole = role;
  s.systemskifteDate = d;
  return s;
}

// A sag this tool closed on D in an earlier run, as it stood before: its
// 'Systemskifte' afslutning left out and the tilknytninger it ended open again.
std::vector<SmdbRecord> beforeClosing(const std::vector<const SmdbRecord*>& sag, const model::Date& d) {
  std::vector<SmdbRecord> out;
  for (const SmdbRecord* r : sag) {
    if (r->skema == Skema::kAfsl) continue;
    SmdbRecord copy = *r;
    if (r->skema == Skema::kTilb && dateField(r, "TilbudTilknyttetBehandlingSlutDato") == d)
      copy.fields.erase(std::remove_if(copy.fields.begin(), copy.fields.end(),
                                       [](const auto& f) { return f.first == "TilbudTilknyttetBehandlingSlutDato"; }),
                        copy.fields.end());
    out.push_back(std::move(copy));
  }
  return out;
}

// Model 2: the old sag closed on D (updates by SmdbId; records left as they
// were are not sent) and the sag registered again from D+1. `closed`: an
// earlier run closed it already (only the registration is left). A sag that
// cannot be registered again is not closed either.
void planModel2(SkifteSag& out, const std::vector<const SmdbRecord*>& sag, const model::Date& d,
                const FieldTable& table, const Settings& settings, bool closed) {
  const std::vector<SmdbRecord> before = closed ? beforeClosing(sag, d) : std::vector<SmdbRecord>{};
  std::vector<const SmdbRecord*> source;
  for (const SmdbRecord& r : before) source.push_back(&r);
  if (!closed) source = sag;
  model::Citizen old;
  std::string why;
  if (!sagAsCitizen(source, "sag-" + out.sagId, table, old, why)) {
    out.problem = "sagen kan ikke læses: " + why;
    return;
  }
  model::Citizen fresh = old;
  model::Forloeb& again = fresh.forloeb.front();
  again.key = again.resourceId = "skifte-" + out.sagId;
  if (applySystemskifte(model2(settings, d, Settings::SystemskifteRole::kNew), again) != SkifteOutcome::kReRegistered) {
    out.problem = "sagen kan ikke genregistreres fra " + d.plusDays(1).iso() + "; den røres ikke";
    return;
  }
  out.registering = renderForloeb(buildView(fresh, again, table), table, KnownIds());
  if (out.registering.empty())  // IndsaetData has no operation for an anmodning alone
    out.note = "anmodningen registreres fra " + d.plusDays(1).iso() +
               ", når behandlingen iværksættes eller afsluttes (en anmodning alene kan ikke indberettes)";
  if (closed) return;
  applySystemskifte(model2(settings, d, Settings::SystemskifteRole::kOld), old.forloeb.front());
  const ForloebView closing = buildView(old, old.forloeb.front(), table);
  KnownIds ids;
  ids.ids = keysOf(closing, sag);
  std::map<std::string, const SmdbRecord*> byId;
  for (const SmdbRecord* r : sag) byId[r->smdbId] = r;
  for (engine::OutboundMessage& m : renderForloeb(closing, table, ids)) {
    const auto id = ids.registryId(m.idempotencyKey);
    std::string error;
    const auto payload = bodyPayload(m.body, error);
    if (id && payload && sameFields(mainPartFields(*payload), byId[*id]->fields)) continue;  // unchanged
    out.closing.push_back(std::move(m));
  }
}

std::vector<delivery::TaskStep> model1Steps(const std::vector<const SmdbRecord*>& sag) {
  std::vector<delivery::RegistryRecord> held;
  for (const SmdbRecord* r : sag) held.push_back(toRegistryRecord(*r));
  std::vector<const delivery::RegistryRecord*> ptrs;
  for (const auto& r : held) ptrs.push_back(&r);
  return deletionSteps(ptrs);
}

const char* modelName(SkifteModel m) {
  switch (m) {
    case SkifteModel::kModel1: return "model 1 (JA til historik)";
    case SkifteModel::kModel2: return "model 2 (NEJ til historik)";
    case SkifteModel::kMellem: return "mellemløsning (historik via SMDB-web)";
  }
  return "";
}

}  // namespace

SkiftePlan planSystemskifte(SkifteModel model, const model::Date& date, const std::vector<SmdbRecord>& records,
                            const FieldTable& table, const Settings& settings) {
  SkiftePlan plan;
  plan.model = model;
  plan.date = date;
  std::map<long long, std::vector<const SmdbRecord*>> bySag;  // by SmdbId, as numbers
  for (const SmdbRecord& r : records) {
    const std::string& sag = r.sagId.empty() ? r.smdbId : r.sagId;
    if (sag.empty() || sag.size() > 18 || sag.find_first_not_of("0123456789") != std::string::npos) {
      ++plan.unreadable;
      continue;
    }
    bySag[std::stoll(sag)].push_back(&r);
  }
  // Citizens (CPR) with a sag from D+1: registered again already.
  std::set<std::string> registeredAgain;
  for (const auto& [id, sag] : bySag)
    if (const SmdbRecord* anm = first(sag, Skema::kAnm); anm && dateField(anm, "BehandlingAnmodningDato") == date.plusDays(1))
      registeredAgain.insert(anm->cpr);
  for (const auto& [id, sag] : bySag) {
    const SmdbRecord* anm = first(sag, Skema::kAnm);
    const SmdbRecord* afsl = first(sag, Skema::kAfsl);
    const auto start = dateField(anm, "BehandlingAnmodningDato");
    const auto end = dateField(afsl, "BehandlingAfsluttetDato");
    const std::string* why = afsl ? afsl->field("BehandlingAfsluttetAarsagTekst") : nullptr;
    // Closed on D by an earlier run of model 2 but not registered again (that run stopped): resumed.
    const bool resumed = model == SkifteModel::kModel2 && start && end == date && why && *why == "Systemskifte" &&
                         !registeredAgain.count(anm->cpr);
    if (!start || *start > date || ((end && *end <= date) && !resumed)) continue;  // not active on D
    if (model == SkifteModel::kMellem && !(*start < date)) continue;
    SkifteSag s;
    s.sagId = std::to_string(id);
    s.kommune3 = anm->kommune;
    s.anmodningsdato = *start;
    if (const auto cpr = model::Cpr::parse(anm->cpr)) s.citizenMasked = cpr->masked();
    if (model == SkifteModel::kModel1) s.deletions = model1Steps(sag);
    if (model == SkifteModel::kModel2) planModel2(s, sag, date, table, settings, resumed);
    plan.sager.push_back(std::move(s));
  }
  return plan;
}

std::string planText(const SkiftePlan& plan) {
  std::ostringstream o;
  o << "Systemskifte " << modelName(plan.model) << ", systemskiftedato " << plan.date.iso() << "\n"
    << plan.sager.size() << " aktive sager i SMDB\n";
  if (plan.unreadable)
    o << "PROBLEM: " << plan.unreadable << " poster fra HentData har et SmdbId, der ikke er et tal, og er ikke med\n";
  for (const SkifteSag& s : plan.sager) {
    o << "\nsag " << s.sagId << " — kommune " << s.kommune3 << ", " << s.citizenMasked << ", anmodningsdato "
      << s.anmodningsdato.iso() << "\n";
    if (!s.problem.empty()) o << "  PROBLEM: " << s.problem << "\n";
    if (!s.note.empty()) o << "  NB: " << s.note << "\n";
    for (size_t i = 0; i < s.deletions.size(); ++i)
      o << "  " << i + 1 << ". " << s.deletions[i].text << "\n";
    if (plan.model == SkifteModel::kModel1)
      o << "  derefter: hubben indberetter forløbets fulde historik med de oprindelige datoer\n";
    for (const auto& m : s.closing) o << "  luk pr. " << plan.date.iso() << ": " << m.kind << "\n";
    for (const auto& m : s.registering) o << "  ny fra " << plan.date.plusDays(1).iso() << ": " << m.kind << "\n";
    if (plan.model == SkifteModel::kMellem) o << "  vedligeholdes manuelt i SMDB-web til sagen afsluttes\n";
  }
  return o.str();
}

std::string planCsv(const SkiftePlan& plan) {
  std::ostringstream o;
  o << "\xEF\xBB\xBF" << "model;systemskiftedato;sag;kommune;borger;anmodningsdato;handling;skema;SmdbId\r\n";
  const std::string head = std::string(plan.model == SkifteModel::kModel1   ? "1"
                                       : plan.model == SkifteModel::kModel2 ? "2"
                                                                            : "mellem") +
                           ";" + plan.date.iso() + ";";
  for (const SkifteSag& s : plan.sager) {
    const std::string row = head + s.sagId + ";" + s.kommune3 + ";" + s.citizenMasked + ";" + s.anmodningsdato.iso() + ";";
    for (const auto& d : s.deletions) o << row << "slet;" << d.kind << ";" << d.recordId << "\r\n";
    for (const auto& m : s.closing) o << row << "luk;" << m.kind << ";\r\n";
    for (const auto& m : s.registering) o << row << "ny;" << m.kind << ";\r\n";
    if (plan.model == SkifteModel::kMellem) o << row << "SMDB-web;;\r\n";
  }
  return o.str();
}

std::string dstNotice(const SkiftePlan& plan, const std::string& kommune, const std::string& vendor,
                      const std::string& system) {
  std::ostringstream o;
  o << "Til: SMDB@dst.dk\nEmne: Systemskifte i SMDB-indberetningen, kommune " << kommune << "\n\n"
    << "Kommunen skifter indberetningssystem til Stofmisbrugsdatabasen (Vejledning om systemskifte, afsnit 2):\n"
    << "- Vi begynder at indberette via det nye system: " << plan.date.plusDays(1).iso() << " (systemskiftedato "
    << plan.date.iso() << ")\n"
    << "- Leverandør og system: " << (vendor.empty() ? "(angiv leverandør)" : vendor) << ", "
    << (system.empty() ? "(angiv system)" : system) << "\n"
    << "- Systemskiftemodel: " << modelName(plan.model) << "\n"
    << "- Aktive sager i SMDB på systemskiftedatoen: " << plan.sager.size() << "\n";
  return o.str();
}

namespace {

struct ToolArgs {
  std::map<std::string, std::string> values;
  bool has(const std::string& k) const { return values.count(k) > 0; }
  std::string get(const std::string& k) const { return has(k) ? values.at(k) : std::string(); }
};

ToolArgs parseArgs(const std::vector<std::string>& args) {
  static const std::map<std::string, bool> known = {{"config", true}, {"model", true},  {"date", true},
                                                    {"kommune", true}, {"out", true},   {"vendor", true},
                                                    {"system", true}, {"dry-run", false}, {"yes", false}};
  ToolArgs a;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + args[i] + "'");
    const std::string k = args[i].substr(2);
    const auto it = known.find(k);
    if (it == known.end()) throw std::invalid_argument("unknown option --" + k + " (see --help)");
    if (it->second && i + 1 >= args.size()) throw std::invalid_argument("--" + k + " needs a value");
    a.values[k] = it->second ? args[++i] : "";
  }
  return a;
}

constexpr const char* kUsage =
    "usage: reghub smdb systemskifte --config FILE --model 1|2|mellem --date YYYY-MM-DD\n"
    "                                [--kommune 0330,…] [--dry-run | --yes] [--out DIR] [--vendor V] [--system S]\n\n"
    "Carries out a systemskifte (DST's Vejledning om systemskifte) over SMDB's own list of\n"
    "active sager (HentData). Always prints the plan first (text; --out DIR also writes\n"
    "plan.txt, plan.csv and dst-notice.txt, the notice the kommune sends to DST).\n"
    "  model 1   the records to delete in SMDB-web, back to front; the hub then reports\n"
    "            the full history with the original dates\n"
    "  model 2   closes every sag active on D (tilknytninger end D, afslutning Anden\n"
    "            årsag 'Systemskifte') and registers it again from D+1 — sent with --yes\n"
    "  mellem    the sager begun before D, kept in SMDB-web until they end (set smdb.goLive = D)\n"
    "--dry-run only plans; --yes carries out without asking; neither asks on a terminal.\n"
    "Kommuner: --kommune, else smdb.syncKommuner. Exit 0, 1 when a send failed, 2 usage, 78 config.\n";

SkifteModel parseModel(const std::string& m) {
  if (m == "1") return SkifteModel::kModel1;
  if (m == "2") return SkifteModel::kModel2;
  if (m == "mellem" || m == "mellemloesning") return SkifteModel::kMellem;
  throw std::invalid_argument("--model is 1, 2 or mellem");
}

bool confirmed(const ToolArgs& a, std::ostream& out) {
  if (a.has("yes")) return true;
  if (!::isatty(0)) throw std::invalid_argument("give --dry-run to plan or --yes to carry it out (no terminal to ask)");
  out << "Udfør systemskiftet som beskrevet? Skriv 'ja': " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "ja";
}

// Model 2: every closing first (SMDB keeps one active sag per citizen), then the new sager.
int carryOut(const std::vector<SkiftePlan>& plans, const SmdbAdapter& adapter, std::ostream& out) {
  SoapDeliverer d(adapter.settings(), adapter.idwsClient());
  KnownIds known;
  int failed = 0;
  const auto send = [&](const SkifteSag& s, const engine::OutboundMessage& m) -> bool {
    // sentBefore: a rerun may follow one whose answers were lost; SMDB is asked first.
    const engine::DeliveryResult r = d.deliver(m, engine::DeliveryContext{1, true, &known});
    if (r.outcome == engine::DeliveryResult::Outcome::kAccepted) {
      known.ids[m.idempotencyKey] = r.registryId;
      out << "sag " << s.sagId << ": " << m.kind << " accepteret (SmdbId " << r.registryId << ")\n";
      return true;
    }
    ++failed;
    out << "sag " << s.sagId << ": " << m.kind << " IKKE accepteret: " << r.detail << "\n";
    return false;
  };
  // Every closing first (SMDB keeps one active sag per citizen); a sag is
  // registered again only when all of its closings were accepted.
  std::set<std::string> notClosed;
  for (const SkiftePlan& p : plans)
    for (const SkifteSag& s : p.sager)
      for (const auto& m : s.closing)
        if (!send(s, m)) notClosed.insert(s.sagId);
  for (const SkiftePlan& p : plans)
    for (const SkifteSag& s : p.sager) {
      if (notClosed.count(s.sagId)) {
        out << "sag " << s.sagId << ": genregistreres ikke, da den ikke blev lukket\n";
        continue;
      }
      for (const auto& m : s.registering)
        if (!send(s, m)) break;  // the rest hang on it; a rerun resumes
    }
  out << (failed ? std::to_string(failed) + " meddelelse(r) fejlede; kør igen, når årsagen er rettet\n"
                 : "systemskiftet er gennemført\n");
  return failed ? 1 : 0;
}

}  // namespace

int runSystemskifteCommand(const std::vector<std::string>& args, std::ostream& out,
                           const engine::AdapterCommandServices& hub) {
  for (const auto& x : args)
    if (x == "--help" || x == "-h") return out << kUsage, 0;
  const ToolArgs a = parseArgs(args);
  if (!a.has("config") || !a.has("model") || !a.has("date"))
    throw std::invalid_argument("--config, --model and --date are required (see --help)");
  if (a.has("dry-run") && a.has("yes")) throw std::invalid_argument("--dry-run or --yes, not both");
  const SkifteModel model = parseModel(a.get("model"));
  const auto date = model::Date::parse(a.get("date"));
  if (!date) throw std::invalid_argument("--date wants YYYY-MM-DD");
  const auto built = engine::AdapterRegistry::create("smdb", config::Config::load(a.get("config")));
  const auto& adapter = static_cast<const SmdbAdapter&>(*built);
  if (!adapter.settings().idws.hasFunctionCertificate())
    throw std::invalid_argument("SMDB is not configured for delivery (smdb.functionCertificate): nothing can be read");
  std::vector<std::string> kommuner;
  for (const std::string& k : util::split(a.get("kommune"), ','))
    if (!k.empty()) kommuner.push_back(k);
  if (kommuner.empty()) kommuner = adapter.settings().syncKommuner;
  if (kommuner.empty()) throw std::invalid_argument("give --kommune 0330 (or set smdb.syncKommuner)");

  SmdbSync sync(adapter.settings(), adapter.idwsClient());
  std::vector<SkiftePlan> plans;
  std::string text, csv, notice;
  for (const std::string& k : kommuner) {
    const std::string k3 = kommune3Of(k);
    std::string why;
    const auto records = sync.readKommune(k3, why);
    if (!records) {
      out << "kommune " << k << ": SMDB kunne ikke læses: " << why << "\n";
      return 1;
    }
    plans.push_back(planSystemskifte(model, *date, *records, adapter.table(), adapter.settings()));
    text += planText(plans.back());
    const std::string rows = planCsv(plans.back());
    csv += csv.empty() ? rows : rows.substr(rows.find("\r\n") + 2);  // one header
    notice += dstNotice(plans.back(), k, a.get("vendor"), a.get("system")) + "\n";
  }
  out << text << "\n" << notice;
  if (model == SkifteModel::kMellem && adapter.settings().goLive != *date)
    out << "NB: sæt smdb.goLive = " << date->iso() << ", så hubben ikke indberetter sagerne fra før systemskiftet\n";
  if (a.has("out")) {
    const std::filesystem::path dir = a.get("out");
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "plan.txt") << text;
    std::ofstream(dir / "plan.csv", std::ios::binary) << csv;
    std::ofstream(dir / "dst-notice.txt") << notice;
  }
  if (a.has("dry-run") || model != SkifteModel::kModel2) {
    if (!a.has("dry-run"))
      out << (model == SkifteModel::kModel1 ? "Intet sendes: sletningerne sker i SMDB-web (model 1).\n"
                                            : "Intet sendes: sagerne vedligeholdes i SMDB-web (mellemløsning).\n");
    return 0;
  }
  if (!confirmed(a, out)) return out << "afbrudt; intet sendt\n", 1;
  size_t sager = 0;
  for (const SkiftePlan& p : plans) sager += p.sager.size();
  std::string joined;
  for (const std::string& k : kommuner) joined += (joined.empty() ? "" : ",") + k;
  const std::string what = "model 2, systemskiftedato " + date->iso() + ", kommuner " + joined + ", " +
                           std::to_string(sager) + " aktive sager";
  if (hub.audit) hub.audit(a.get("config"), "systemskifte", what + ": started");
  const int rc = carryOut(plans, adapter, out);
  if (hub.audit) hub.audit(a.get("config"), "systemskifte", what + (rc == 0 ? ": done" : ": some messages failed"));
  return rc;
}

}  // namespace reghub::smdb
