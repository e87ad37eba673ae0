#include "adapters/smdb/smdb_adapter.h"

#include <stdexcept>

#include "adapters/smdb/rules.h"
#include "adapters/smdb/deletion_tasks.h"
#include "adapters/smdb/held_sager.h"
#include "adapters/smdb/sandbox.h"
#include "adapters/smdb/sync.h"
#include "adapters/smdb/soap_transport.h"
#include "adapters/smdb/systemskifte.h"
#include "hub/util/strings.h"

namespace reghub::smdb {

namespace {
constexpr std::string_view kLegalBasis = "urn:reghub:legal-basis";
constexpr std::string_view kExclusion = "urn:reghub:smdb-exclusion";

}  // namespace

std::vector<const model::Forloeb*> effectiveForloeb(const Settings& s, const std::vector<const model::Forloeb*>& selected,
                                                    std::vector<model::Forloeb>& copies,
                                                    std::map<const model::Forloeb*, SkifteOutcome>* outcomes) {
  if (s.systemskifteModel != Settings::SystemskifteModel::kModel2) return selected;
  copies.clear();
  copies.reserve(selected.size());
  std::vector<const model::Forloeb*> out;
  for (const model::Forloeb* f : selected) {
    copies.push_back(*f);
    const SkifteOutcome o = applySystemskifte(s, copies.back());
    if (outcomes) (*outcomes)[&copies.back()] = o;
    out.push_back(&copies.back());
  }
  return out;
}

SmdbAdapter::SmdbAdapter() : SmdbAdapter(std::make_shared<const Settings>(Settings::fromConfig(config::Config()))) {}

SmdbAdapter::SmdbAdapter(std::shared_ptr<const Settings> settings)
    : table_(defaultFieldTable()), kommuner_(Municipalities::load(dataDir())), settings_(std::move(settings)) {}

bool SmdbAdapter::understandsQuestionnaire(std::string_view canonical) const {
  return skemaFromQuestionnaire(canonical).has_value();
}

bool SmdbAdapter::selects(const model::Citizen& citizen, const model::Forloeb& f, const engine::RunContext& /*ctx*/,
                          const diag::Reporter& out) const {
  if (f.origin != model::Forloeb::Origin::kEpisodeOfCare) return false;
  bool smdb = false;
  for (const char* code : {"SEL-101", "SUL-142", "BL-33"}) smdb = smdb || f.hasProgram(kLegalBasis, code);
  if (!smdb) return false;
  if (f.enteredInError() || !citizen.active) {
    // Nothing is sent; the web service cannot delete what was sent before (GEN-14).
    out.info("SMDB-GEN-14", "",
             std::string(f.enteredInError() ? "Forløbet er trukket tilbage (entered-in-error)"
                                            : "Borgeren er markeret som fejlregistreret (Patient.active = false)") +
                 "; intet indberettes. Allerede indberettede skemaer kan ikke slettes via web-servicen: slet dem i "
                 "SMDB-web (KvalHep før iværksættelse) eller bed Danmarks Statistik om det.");
    return false;
  }
  const std::string exclusion = f.extensionCode(kExclusion);
  if (exclusion == "selvbetaler") {
    out.info("SMDB-SCOPE-02", "", "Forløbet er markeret selvbetaler; selvbetalere indberettes ikke til SMDB.");
    return false;
  }
  if (exclusion == "anonym") {
    out.info("SMDB-SCOPE-04", "", "Forløbet er anonym stofmisbrugsbehandling; det indberettes ikke til SMDB.");
    return false;
  }
  if (!exclusion.empty())
    out.warning("SMDB-SCOPE-02", "",
                "Ukendt værdi '" + exclusion + "' i urn:reghub:smdb-exclusion (selvbetaler eller anonym); forløbet "
                "indberettes som normalt.");
  if (!citizen.hasCprIdentifier) {
    out.warning("SMDB-SCOPE-03", "6-ANM",
                "Borgeren har intet CPR-nummer (Patient.identifier urn:oid:1.2.208.176.1.2); borgere uden CPR kan "
                "ikke indberettes til SMDB. Forløbet springes over.");
    return false;
  }
  if (!citizen.cpr) return false;  // malformed CPR: the hub reports HUB-CPR-02
  if (citizen.cpr->isReplacement()) {
    out.warning("SMDB-SCOPE-03", "6-ANM",
                "Borgeren har et erstatnings-CPR (" + citizen.cpr->masked() +
                    "); kun borgere med CPR-nummer kan indberettes til SMDB. Forløbet springes over.");
    return false;
  }
  const auto& settings = settings_;
  if (settings->systemskifteModel == Settings::SystemskifteModel::kModel2) {
    model::Forloeb copy = f;
    const SkifteOutcome o = applySystemskifte(*settings, copy);
    if (o == SkifteOutcome::kLeftWithOldSystem) {
      out.info("SMDB-SYS-05", "1-AFSL",
               "Systemskifte model 2: forløbet er afsluttet senest på systemskiftedatoen " +
                   settings->systemskifteDate->iso() + " og forbliver det gamle systems indberetning.");
      return false;
    }
    if (o == SkifteOutcome::kLeftWithNewSystem) {
      out.info("SMDB-SYS-05", "2-ANM",
               "Systemskifte model 2 (det gamle system): forløbet begynder efter systemskiftedatoen " +
                   settings->systemskifteDate->iso() + " og indberettes af det nye system.");
      return false;
    }
  }
  if (settings->goLive) {
    for (const model::FormResponse& form : f.forms) {
      if (skemaFromQuestionnaire(form.questionnaire) != Skema::kAnm) continue;
      const model::Answer* a = form.find("BehandlingAnmodningDato");
      if (a && a->date && a->date->copenhagenDate() < *settings->goLive) {
        out.info("SMDB-SYS-08", "2-ANM",
                 "Mellemløsning: anmodningsdato " + a->date->copenhagenDate().iso() + " er før systemets startdato " +
                     settings->goLive->iso() + " (smdb.goLive); forløbet vedligeholdes i SMDB-web.");
        return false;
      }
    }
  }
  return true;
}

void SmdbAdapter::validate(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                           const engine::RunContext& ctx, const diag::Reporter& out) const {
  prepare(citizen, selected, ctx, out);
}

std::unique_ptr<const engine::PreparedCitizen> SmdbAdapter::prepare(const model::Citizen& citizen,
                                                                    const std::vector<const model::Forloeb*>& selected,
                                                                    const engine::RunContext& ctx,
                                                                    const diag::Reporter& out) const {
  auto prepared = std::make_unique<PreparedSmdb>(citizen, selected, ctx);
  const auto& settings = settings_;
  // SMDB's own reference lists (the last sync) win over the file.
  const auto tilbud = ctx.registry ? ctx.registry->registryList(name(), kTilbudList) : nullptr;
  const auto lande = ctx.registry ? ctx.registry->registryList(name(), kLandeList) : nullptr;
  RuleContext rc{*table_, *kommuner_, *settings, ctx.asOf, tilbud ? tilbud.get() : settings->tilbudIds.get()};
  rc.landeKoder = lande.get();
  std::map<const model::Forloeb*, SkifteOutcome> skifte;
  const auto forloeb = effectiveForloeb(*settings, selected, prepared->copies, &skifte);
  std::vector<ForloebView>& views = prepared->views;
  views.reserve(forloeb.size());
  for (const model::Forloeb* f : forloeb) {
    views.push_back(buildView(citizen, *f, *table_));
    const diag::Reporter fout = out.withForloeb(f->display()).withFile(f->source.file, f->source.line);
    const auto so = skifte.find(f);
    if (so != skifte.end() && so->second == SkifteOutcome::kClosed)
      fout.info("SMDB-SYS-05", "1-AFSL",
                "Systemskifte model 2 (det gamle system): forløbet afsluttes på systemskiftedatoen " +
                    settings->systemskifteDate->iso() +
                    " – åbne tilknytninger får tilbudsslutdato D, afslutningen årsag 10 (Anden) og teksten "
                    "'Systemskifte'.");
    if (so != skifte.end() && so->second == SkifteOutcome::kReRegistered)
      fout.info("SMDB-SYS-06", "2-ANM",
                "Systemskifte model 2: forløbet var aktivt på systemskiftedatoen " + settings->systemskifteDate->iso() +
                    " og genregistreres med startdato " + settings->systemskifteDate->plusDays(1).iso() +
                    " (anmodning, iværksættelse og åbne tilknytninger).");
    checkFields(views.back(), rc, fout);
    checkForloeb(views.back(), rc, fout);
  }
  checkCitizen(views, rc, out);
  // What SMDB holds (the last sync): a sag made elsewhere blocks or is adopted.
  if (ctx.registry && citizen.cpr) {
    const auto records = ctx.registry->registryRecords(name(), citizen.cpr->digits());
    if (!records.empty()) prepared->adopted = checkAgainstRegistry(views, heldSager(records), out);
  }
  return prepared;
}

std::shared_ptr<IdwsClient> SmdbAdapter::idwsClient() const {
  std::lock_guard<std::mutex> lock(idwsMu_);
  if (!idws_) idws_ = std::make_shared<IdwsClient>(*settings_);
  return idws_;
}

std::vector<engine::CredentialInfo> SmdbAdapter::credentials() const {
  if (!settings_->idws.hasFunctionCertificate()) return {};
  try {
    const security::Credentials& c = idwsClient()->credentials();
    const auto notAfter = std::chrono::duration_cast<std::chrono::milliseconds>(c.notAfter().time_since_epoch());
    return {{settings_->idws.function.setting, c.subject(), notAfter.count()}};
  } catch (const std::exception&) {
    return {};
  }
}

std::unique_ptr<engine::Deliverer> SmdbAdapter::makeDeliverer() const {
  if (!settings_->idws.hasFunctionCertificate()) return nullptr;
  return std::make_unique<SoapDeliverer>(*settings_, idwsClient());
}

std::vector<engine::ManualTask> SmdbAdapter::tasks(const model::Citizen& citizen, const engine::RunContext&,
                                                   const engine::PriorDeliveries& prior) const {
  if (!citizen.cpr) return {};
  const auto records = prior.registryRecords(name(), citizen.cpr->digits());
  if (records.empty()) return {};
  return deletionTasks(citizen, heldSager(records), *table_);
}

std::unique_ptr<engine::RegistrySync> SmdbAdapter::makeSync() const {
  if (!settings_->idws.hasFunctionCertificate()) return nullptr;
  return std::make_unique<SmdbSync>(*settings_, idwsClient());
}

std::unique_ptr<engine::Sandbox> SmdbAdapter::makeSandbox(const engine::SandboxOptions& options) const {
  return std::make_unique<SmdbSandbox>(table_, kommuner_, options, settings_);
}

std::map<std::string, std::string> SmdbAdapter::sandboxClientConfig(const engine::Sandbox& sandbox) const {
  const auto* smdb = dynamic_cast<const SmdbSandbox*>(&sandbox);
  if (!smdb) return {{"smdb.endpoint", sandbox.baseUrl()}, {"smdb.caFile", sandbox.caFile()}};
  return smdb->clientConfig();
}

std::shared_ptr<const engine::DeadlineRule> SmdbAdapter::deadlineRule() const {
  const int day = table_->deadlineDay();
  return engine::monthlyDeadline(day, "En måneds aktivitet senest den " + std::to_string(day) +
                                          ". i den følgende måned (" + table_->deadlineSource() + ")");
}

}  // namespace reghub::smdb
