#include "adapters/rehab/rehab_adapter.h"

#include <rapidjson/document.h>

#include <set>

#include "adapters/kl_gateway/report_assembly.h"
#include "adapters/kl_gateway/report_messages.h"
#include "adapters/rehab/real_id_sink.h"
#include "adapters/rehab/rehab_data.h"
#include "adapters/rehab/rehab_view.h"
#include "adapters/rehab/report_check.h"
#include "adapters/rehab/sandbox.h"
#include "adapters/rehab/synth.h"

namespace reghub::rehab {

namespace {

// Forwards each distinct (rule, path, message) once: an unchanged resource
// re-sent in several daily reports would say the same problem each time.
class DedupSink final : public diag::Sink {
 public:
  explicit DedupSink(diag::Sink& next) : next_(next) {}
  void report(diag::Diagnostic d) override {
    error_ = error_ || d.severity == diag::Severity::kError;
    if (seen_.insert(d.rule + "\x1f" + d.path + "\x1f" + d.message).second) next_.report(std::move(d));
  }
  bool takeError() { return std::exchange(error_, false); }

 private:
  diag::Sink& next_;
  std::set<std::string> seen_;
  bool error_ = false;
};

struct PreparedRehab final : engine::PreparedCitizen {
  PreparedRehab(const model::Citizen& c, std::vector<const model::Forloeb*> s, const engine::RunContext& ctx,
                const Settings& settings, const diag::Reporter* notes)
      : engine::PreparedCitizen(c, std::move(s), ctx), view(rehabView(c, RehabData::get(), settings.view, notes)) {}
  kl_gateway::IgView view;
  std::vector<kl_gateway::PlannedReport> reports;
  std::vector<bool> failed;  // per report: an error was found, it is never sent
};

std::string profileOf(const rapidjson::Value& doc) {
  if (!doc.IsObject() || !doc.HasMember("meta") || !doc["meta"].IsObject() || !doc["meta"].HasMember("profile"))
    return {};
  const auto& p = doc["meta"]["profile"];
  if (p.IsArray() && !p.Empty() && p[0].IsString()) return p[0].GetString();
  return {};
}

// Without parsing: could the citizen's resources hold a § 140 seed (a
// ServiceRequest, a CarePlan with a category or an FSIII code)? Most
// citizens of a run are other registries'; only these get a view built.
bool mayBeRehab(const model::Citizen& citizen) {
  for (const model::Resource& r : citizen.resources)
    if (r.type == "ServiceRequest" ||
        (r.type == "CarePlan" &&
         (r.json.find("\"category\"") != std::string::npos || r.json.find(kFsiiiSystem) != std::string::npos)))
      return true;
  return false;
}

diag::Reporter rebase(const diag::Reporter& out, diag::Sink& sink) {
  const diag::Diagnostic c = out.context();
  return diag::Reporter(sink, c.registry).withFile(c.file, c.line).withCitizen(c.citizen);
}

// The IG's report contract; entries ordered as in its examples: citizen, organisations, conditions, GGOP, forløb, contacts.
kl_gateway::ReportShape reportShape(const Settings& s) {
  return {profileUrl(kProfileReport), profileUrl(kProfileIncremental), kIdNamespace, s.fullUrlBase, ""};
}

kl_gateway::ReportSpec reportSpec(const Settings& s) {
  return {reportShape(s), {"Organization", "Condition", "ServiceRequest", "CarePlan", "Encounter"}, s.reportingStart};
}

engine::OutboundMessage message(const model::Citizen& citizen, const kl_gateway::PlannedReport& rep, std::string body) {
  kl_gateway::ReportFacts facts{rep.day, rep.bundleId, rep.contentHash, {}, kl_gateway::kommuneOf(citizen.forloeb)};
  for (const ViewResource* r : rep.entries)
    if (r && (r->type == "ServiceRequest" || (r->type == "CarePlan" && r->profile == kProfileCarePlan)))
      facts.forloebKeys.push_back(r->key);
  return kl_gateway::deliveryReportMessage("rehab", citizen, facts, std::move(body));
}

}  // namespace

RehabAdapter::RehabAdapter(std::shared_ptr<const Settings> settings, std::shared_ptr<kl_gateway::SubjectTokenSource> sts)
    : settings_(std::move(settings)),
      access_("rehab", settings_->delivery.endpoint, settings_->delivery.tls, settings_->delivery.auth, std::move(sts)) {}

void RehabAdapter::inspectSource(const engine::SourceDocument& doc, const engine::RunContext&,
                                 const diag::Reporter& out) const {
  if (!doc.root) return;
  const std::string p = profileOf(*doc.root);
  if (p != profileUrl(kProfileReport) && p != profileUrl(kProfileIncremental)) return;
  checkReport(*doc.root, RehabData::get(), out);
}

bool RehabAdapter::selectsCitizen(const model::Citizen& citizen, const engine::RunContext&,
                                  const diag::Reporter& out) const {
  if (!mayBeRehab(citizen)) return false;
  bool own = false;  // a KL report given as input is checked as it stands (inspectSource), never re-rendered
  for (const model::Resource& r : citizen.resources) own = own || (r.type != "Patient" && !fromKlReport(r.source));
  if (!own) return false;
  if (!hasRehabView(citizen, RehabData::get())) return false;
  if (!citizen.hasCprIdentifier) {
    out.withRegistry("hub").withPath(citizen.source.reference)
        .warning("HUB-CPR-01", "",
                 "the citizen has no CPR-nummer (identifier system urn:oid:1.2.208.176.1.2): its § 140 data cannot be "
                 "reported and is skipped");
    return false;
  }
  return citizen.cpr.has_value();  // malformed: ingest reported HUB-CPR-02
}

void RehabAdapter::validate(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                            const engine::RunContext& ctx, const diag::Reporter& out) const {
  prepareReports(citizen, selected, ctx, out, false);
}

std::unique_ptr<const engine::PreparedCitizen> RehabAdapter::prepare(const model::Citizen& citizen,
                                                                     const std::vector<const model::Forloeb*>& selected,
                                                                     const engine::RunContext& ctx,
                                                                     const diag::Reporter& out) const {
  return prepareReports(citizen, selected, ctx, out, true);
}

std::unique_ptr<const engine::PreparedCitizen> RehabAdapter::prepareReports(
    const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected, const engine::RunContext& ctx,
    const diag::Reporter& out, bool hashed) const {
  const RehabData& data = RehabData::get();
  DedupSink dedup(out.sink());
  const diag::Reporter dout = rebase(out, dedup);
  // The view's notes (what is dropped) are said once, not per report.
  auto p = std::make_unique<PreparedRehab>(citizen, selected, ctx, *settings_, &dout);
  dedup.takeError();
  if (citizen.cpr && citizen.cpr->isReplacement()) {
    out.withPath(citizen.source.reference + ".identifier")
        .withForloeb(citizen.source.reference)
        .error("REH-CIT-04", "",
               "erstatnings-CPR " + citizen.cpr->masked() +
                   " kan ikke indberettes efter § 140: borgerprofilen tillader kun et CPR-nummer (DK-core 'cpr', dag "
                   "01-31) og forbyder eCPR; indberet, når borgeren har fået et CPR-nummer");
    return p;
  }
  const kl_gateway::ReportSpec spec = reportSpec(*settings_);
  p->reports = kl_gateway::buildReports(p->view, spec, ctx, hashed);
  for (const kl_gateway::PlannedReport& rep : p->reports) {
    RealIdSink ids(dedup, *rep.doc, spec.shape, !hashed);
    checkReport(*rep.doc, data, rebase(out, ids).withForloeb("DeliveryReport " + rep.day.iso()), &rep.entries);
    p->failed.push_back(dedup.takeError());
  }
  return p;
}

std::vector<engine::OutboundMessage> RehabAdapter::render(const model::Citizen& citizen,
                                                          const std::vector<const model::Forloeb*>& selected,
                                                          const engine::RunContext& ctx,
                                                          const engine::PriorDeliveries& prior) const {
  diag::Collector ignore;
  const auto prepared = prepare(citizen, selected, ctx, diag::Reporter(ignore, "rehab"));
  return render(*prepared, selected, prior);
}

std::vector<engine::OutboundMessage> RehabAdapter::render(const engine::PreparedCitizen& prepared,
                                                          const std::vector<const model::Forloeb*>&,
                                                          const engine::PriorDeliveries& prior) const {
  std::vector<engine::OutboundMessage> out;
  const auto* p = dynamic_cast<const PreparedRehab*>(&prepared);
  const model::Citizen& citizen = prepared.citizen();
  if (!p || !citizen.cpr || citizen.cpr->isReplacement()) return out;
  for (size_t i = 0; i < p->reports.size(); ++i) {
    if (p->failed[i]) continue;  // every outbound report is validated; one with an error is never sent
    const kl_gateway::PlannedReport& rep = p->reports[i];
    if (auto h = prior.lastContentHash(rep.bundleId); h && *h == rep.contentHash) continue;  // unchanged: not resent
    out.push_back(message(citizen, rep, kl_gateway::toJson(*rep.doc)));
  }
  return out;
}

std::optional<engine::OutboundMessage> RehabAdapter::wrapRun(const std::vector<const engine::OutboundMessage*>& run,
                                                            const engine::RunContext& ctx) const {
  return kl_gateway::wrapReports("rehab", "a § 140 DeliveryReport", run, ctx.asOf, reportShape(*settings_),
                                 [](const rapidjson::Value& doc, const diag::Reporter& out) {
                                   checkReport(doc, RehabData::get(), out);
                                 });
}

std::vector<engine::CredentialInfo> RehabAdapter::credentials() const { return access_.credentials(); }

std::unique_ptr<engine::Deliverer> RehabAdapter::makeDeliverer() const { return access_.makeDeliverer(); }

std::unique_ptr<engine::Sandbox> RehabAdapter::makeSandbox(const engine::SandboxOptions& options) const {
  return std::make_unique<RehabSandbox>(options, settings_);
}

std::map<std::string, std::string> RehabAdapter::sandboxClientConfig(const engine::Sandbox& sandbox) const {
  if (const auto* s = dynamic_cast<const RehabSandbox*>(&sandbox)) return s->clientConfig();
  return {{"rehab.endpoint", sandbox.baseUrl()}, {"rehab.caFile", sandbox.caFile()}};
}

void RehabAdapter::synthesize(const engine::SynthCitizen& citizen, engine::SynthRng& rng, bool seedMistake,
                              std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) const {
  synthesizeRehab(citizen, rng, seedMistake, resources, seeded);
}

}  // namespace reghub::rehab
