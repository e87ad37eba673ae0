#include "adapters/rehab/rehab_adapter.h"

#include <rapidjson/document.h>

#include <set>
#include <stdexcept>

#include "adapters/rehab/rehab_data.h"
#include "adapters/rehab/rehab_view.h"
#include "adapters/rehab/report_builder.h"
#include "adapters/rehab/report_check.h"
#include "adapters/rehab/sandbox.h"
#include "adapters/rehab/synth.h"
#include "hub/util/hash.h"

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
      : engine::PreparedCitizen(c, std::move(s), ctx), view(c, RehabData::get(), settings.view, notes) {}
  RehabView view;
  std::vector<PlannedReport> reports;
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

engine::OutboundMessage message(const model::Citizen& citizen, const PlannedReport& rep, std::string body) {
  engine::OutboundMessage m;
  m.registry = "rehab";
  m.kind = "DeliveryReport";
  m.idempotencyKey = rep.bundleId;
  m.contentHash = rep.contentHash;
  m.citizenCpr = citizen.cpr->digits();
  m.citizenMasked = citizen.cpr->masked();
  for (const ViewResource* r : rep.entries)
    if (r && (r->type == "ServiceRequest" || (r->type == "CarePlan" && r->profile == kProfileCarePlan)))
      m.forloebKey += (m.forloebKey.empty() ? "" : ",") + r->key;
  for (const model::Forloeb& f : citizen.forloeb)
    if (f.municipality && !f.municipality->municipalityCode.empty()) m.kommune = f.municipality->municipalityCode;
  m.deliveryDay = rep.day.iso();
  kl_gateway::putBundle(m, rep.bundleId);
  m.body = std::move(body);
  return m;
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
  checkDocument(*doc.root, RehabData::get(), out);
}

bool RehabAdapter::selectsCitizen(const model::Citizen& citizen, const engine::RunContext&,
                                  const diag::Reporter& out) const {
  if (!mayBeRehab(citizen)) return false;
  bool own = false;  // a KL report given as input is checked as it stands (inspectSource), never re-rendered
  for (const model::Resource& r : citizen.resources) own = own || (r.type != "Patient" && !fromKlReport(r.source));
  if (!own) return false;
  const RehabView view(citizen, RehabData::get(), settings_->view, nullptr);
  if (!view.isRehab()) return false;
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
  prepare(citizen, selected, ctx, out);
}

std::unique_ptr<const engine::PreparedCitizen> RehabAdapter::prepare(const model::Citizen& citizen,
                                                                     const std::vector<const model::Forloeb*>& selected,
                                                                     const engine::RunContext& ctx,
                                                                     const diag::Reporter& out) const {
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
  p->reports = buildReports(p->view, *settings_, ctx);
  for (const PlannedReport& rep : p->reports) {
    checkReport(*rep.doc, data, dout.withForloeb("DeliveryReport " + rep.day.iso()), &rep.entries);
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
    const PlannedReport& rep = p->reports[i];
    if (auto h = prior.lastContentHash(rep.bundleId); h && *h == rep.contentHash) continue;  // unchanged: not resent
    out.push_back(message(citizen, rep, toJson(*rep.doc)));
  }
  return out;
}

std::optional<engine::OutboundMessage> RehabAdapter::wrapRun(const std::vector<const engine::OutboundMessage*>& run,
                                                            const engine::RunContext& ctx) const {
  std::vector<rapidjson::Document> docs(run.size());
  std::vector<const rapidjson::Value*> ptrs;
  std::string hashes;
  for (size_t i = 0; i < run.size(); ++i) {
    const engine::OutboundMessage& m = *run[i];
    if (m.registry != name() || m.kind != "DeliveryReport")
      throw std::logic_error("rehab wrapRun: not a § 140 DeliveryReport: " + m.registry + " " + m.kind);
    docs[i].Parse(m.body.data(), m.body.size());
    if (docs[i].HasParseError() || !docs[i].IsObject())
      throw std::logic_error("rehab wrapRun: rendered report " + m.idempotencyKey + " is not JSON");
    ptrs.push_back(&docs[i]);
    hashes += m.contentHash + ",";
  }
  engine::OutboundMessage w;
  w.body = incrementalDelivery(ptrs, deliveryTimestamp(ctx.asOf), settings_->fullUrlBase);
  rapidjson::Document wrapped;
  wrapped.Parse(w.body.data(), w.body.size());
  diag::Collector check;
  checkDocument(wrapped, RehabData::get(), diag::Reporter(check, "rehab"));
  for (const diag::Diagnostic& d : check.diagnostics())
    if (d.severity == diag::Severity::kError)
      throw std::logic_error("rehab wrapRun: the IncrementalDelivery does not validate: " + diag::toTextLine(d));
  w.registry = "rehab";
  w.kind = "IncrementalDelivery";
  w.idempotencyKey = wrapped["id"].GetString();
  w.contentHash = util::sha256Hex("IncrementalDelivery|" + hashes);
  w.deliveryDay = ctx.asOf.iso();
  kl_gateway::putBundle(w, w.idempotencyKey);
  return w;
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
