#include "adapters/ltt/ltt_adapter.h"

#include <rapidjson/document.h>

#include <set>

#include "adapters/kl_gateway/report_messages.h"
#include "adapters/ltt/ltt_validator.h"
#include "adapters/ltt/report_builder.h"
#include "adapters/ltt/sandbox.h"
#include "adapters/ltt/settings.h"
#include "adapters/ltt/synth.h"

namespace reghub::ltt {

// The reports validate built, each with whether the IG validator found an
// error in it (such a report is never sent), for render to send as they are.
struct PreparedLtt final : engine::PreparedCitizen {
  using engine::PreparedCitizen::PreparedCitizen;
  std::vector<PlannedReport> reports;  // built without their JSON text (Body::kSkip)
  std::vector<bool> failed;            // per report
};

namespace {

// Forwards each distinct (rule, forløb, message) once: the same problem in a
// forløb shows up in every daily report that carries it.
class DedupSink final : public diag::Sink {
 public:
  explicit DedupSink(diag::Sink& next) : next_(next) {}
  void report(diag::Diagnostic d) override {
    if (seen_.insert(d.rule + "\x1f" + d.forloeb + "\x1f" + d.message).second) next_.report(std::move(d));
  }

 private:
  diag::Sink& next_;
  std::set<std::string> seen_;
};

// Forwards everything and remembers whether an error went by since reset().
class ErrorFlagSink final : public diag::Sink {
 public:
  explicit ErrorFlagSink(diag::Sink& next) : next_(next) {}
  void report(diag::Diagnostic d) override {
    error_ = error_ || d.severity == diag::Severity::kError;
    next_.report(std::move(d));
  }
  bool error() const { return error_; }
  void reset() { error_ = false; }

 private:
  diag::Sink& next_;
  bool error_ = false;
};

diag::Reporter rebase(const diag::Reporter& out, diag::Sink& sink) {
  const diag::Diagnostic c = out.context();
  return diag::Reporter(sink, c.registry).withFile(c.file, c.line).withCitizen(c.citizen);
}

bool fromKlBundle(const model::SourceRef& src) {
  return src.containerProfile.rfind(profileUrl(kProfileReport), 0) == 0 ||
         src.containerProfile.rfind(profileUrl(kProfileIncremental), 0) == 0;
}

IgOptions igOptions(const Settings& s, const engine::RunContext& ctx) {
  IgOptions o;
  o.reportingStart = s.reportingStart;
  o.asOf = ctx.asOf;
  o.outbound = true;
  return o;
}

}  // namespace

LttAdapter::LttAdapter() : LttAdapter(std::make_shared<const Settings>(Settings::fromConfig(config::Config()))) {}

LttAdapter::LttAdapter(std::shared_ptr<const Settings> settings) : LttAdapter(std::move(settings), nullptr) {}

LttAdapter::LttAdapter(std::shared_ptr<const Settings> settings, std::shared_ptr<kl_gateway::SubjectTokenSource> sts)
    : settings_(std::move(settings)), access_("ltt", settings_->endpoint, settings_->tls, settings_->auth, std::move(sts)) {}

void LttAdapter::inspectSource(const engine::SourceDocument& doc, const engine::RunContext& ctx,
                               const diag::Reporter& out) const {
  if (!doc.root || klBundleKind(*doc.root) == KlBundleKind::kNone) return;
  IgOptions opt;
  opt.reportingStart = settings_->reportingStart;
  opt.asOf = ctx.asOf;
  const std::string id = doc.root->HasMember("id") && (*doc.root)["id"].IsString() ? (*doc.root)["id"].GetString() : "";
  LttValidator::get().validateDocument(*doc.root, opt, out.withPath("Bundle" + (id.empty() ? "" : "/" + id)));
}

bool LttAdapter::selects(const model::Citizen& citizen, const model::Forloeb& f, const engine::RunContext& ctx,
                         const diag::Reporter& out) const {
  if (f.origin != model::Forloeb::Origin::kCarePlan || !f.hasProgram(kCscSystem, kLttProgramCode)) return false;
  // A KL report given as input is checked as it stands (inspectSource), never re-rendered.
  if (fromKlBundle(f.source)) return false;
  if (!citizen.hasCprIdentifier) {
    out.withRegistry("hub").withPath(citizen.source.reference)
        .warning("HUB-CPR-01", "",
                 "the citizen has no CPR-nummer (identifier system urn:oid:1.2.208.176.1.2): its LTT forløb cannot be "
                 "reported and are skipped");
    return false;
  }
  if (!citizen.cpr) return false;  // malformed: ingest reported HUB-CPR-02
  const Settings& s = *settings_;
  if (!ReportBuilder(LttData::get(), s, ctx).inScope(f)) {
    out.withPath(f.source.reference)
        .info("LTT-PER-03", "",
              "forløb has no contact, henvisning or change from " + s.reportingStart.iso() + " to " + ctx.asOf.iso() +
                  "; nothing to report");
    return false;
  }
  return true;
}

void LttAdapter::validate(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                          const engine::RunContext& ctx, const diag::Reporter& out) const {
  check(citizen, selected, ctx, out, ReportBuilder::Body::kCheckOnly);
}

std::unique_ptr<const engine::PreparedCitizen> LttAdapter::prepare(const model::Citizen& citizen,
                                                                   const std::vector<const model::Forloeb*>& selected,
                                                                   const engine::RunContext& ctx,
                                                                   const diag::Reporter& out) const {
  return check(citizen, selected, ctx, out, ReportBuilder::Body::kSkip);
}

std::unique_ptr<PreparedLtt> LttAdapter::check(const model::Citizen& citizen,
                                               const std::vector<const model::Forloeb*>& selected,
                                               const engine::RunContext& ctx, const diag::Reporter& out,
                                               ReportBuilder::Body body) const {
  auto prepared = std::make_unique<PreparedLtt>(citizen, selected, ctx);
  const LttData& data = LttData::get();
  const Settings& s = *settings_;
  if (citizen.cpr && citizen.cpr->isReplacement()) {
    out.withPath(citizen.source.reference + ".identifier")
        .error("LTT-CIT-04", "",
               "erstatnings-CPR " + citizen.cpr->masked() +
                   " cannot be reported to LTT: the IG's citizen profile allows only a CPR-nummer (DK-core invariant "
                   "'cpr', day 01-31) and forbids eCPR identifiers; report the forløb once the citizen has a CPR-nummer");
    return prepared;
  }
  for (const model::Forloeb* f : selected) {
    if (!citizen.cpr || !f->period.start) continue;
    const int age = citizen.cpr->ageAt(f->period.start->copenhagenDate());
    if (age < data.minAge() || age > data.maxAge())
      out.withForloeb(f->display())
          .withPath(f->source.reference + ".period.start")
          .warning("LTT-AGE-01", "",
                   "the citizen is " + std::to_string(age) + " years old at the start of the forløb; LTT is for children "
                   "and young people aged " + std::to_string(data.minAge()) + "-" + std::to_string(data.maxAge()) +
                   " (SDS section 4)");
  }
  DedupSink dedup(out.sink());
  const diag::Reporter dout = rebase(out, dedup);
  // Whether a report has an error is seen before the dedup: a problem said
  // for an earlier report still keeps this one from being sent.
  ErrorFlagSink flag(dedup);
  const diag::Reporter fout = rebase(out, flag);
  kl_gateway::CleanResources memo;  // the Patient and a forløb's CarePlan, re-sent in each report, core-walked once
  const LttValidator& validator = LttValidator::get();
  const IgOptions opt = igOptions(s, ctx);
  prepared->reports = ReportBuilder(data, s, ctx).build(citizen, selected, &dout, body);
  for (const PlannedReport& rep : prepared->reports) {
    flag.reset();
    validator.validateReport(*rep.doc, opt, fout.withPath("DeliveryReport " + rep.day.iso()),
                             [&rep](size_t i, const diag::Reporter& r) {
                               return i < rep.entryForloeb.size() && !rep.entryForloeb[i].empty()
                                          ? r.withForloeb(rep.entryForloeb[i])
                                          : r;
                             },
                             &memo);
    prepared->failed.push_back(flag.error());
  }
  return prepared;
}

engine::OutboundMessage LttAdapter::message(const model::Citizen& citizen,
                                            const std::vector<const model::Forloeb*>& selected, const PlannedReport& rep,
                                            std::string body) const {
  return kl_gateway::deliveryReportMessage(
      "ltt", citizen, {rep.day, rep.bundleId, rep.contentHash, rep.forloebKeys, kl_gateway::kommuneOf(selected)},
      std::move(body));
}

std::vector<engine::OutboundMessage> LttAdapter::render(const model::Citizen& citizen,
                                                        const std::vector<const model::Forloeb*>& selected,
                                                        const engine::RunContext& ctx,
                                                        const engine::PriorDeliveries& prior) const {
  std::vector<engine::OutboundMessage> out;
  if (!citizen.cpr || citizen.cpr->isReplacement()) return out;
  const LttData& data = LttData::get();
  const Settings& s = *settings_;
  const LttValidator& validator = LttValidator::get();
  const IgOptions opt = igOptions(s, ctx);
  diag::Collector check;
  ErrorFlagSink flag(check);
  kl_gateway::CleanResources memo;  // what is re-sent in each report is core-walked once
  for (PlannedReport& rep : ReportBuilder(data, s, ctx).build(citizen, selected, nullptr)) {
    // Validation runs on every outbound report; one with an error is never sent.
    flag.reset();
    validator.validateReport(*rep.doc, opt, diag::Reporter(flag, "ltt"), {}, &memo);
    if (flag.error()) continue;
    if (auto h = prior.lastContentHash(rep.bundleId); h && *h == rep.contentHash) continue;  // unchanged: not resent
    std::string body = std::move(rep.body);
    out.push_back(message(citizen, selected, rep, std::move(body)));
  }
  return out;
}

std::vector<engine::OutboundMessage> LttAdapter::render(const engine::PreparedCitizen& prepared,
                                                        const std::vector<const model::Forloeb*>& clean,
                                                        const engine::PriorDeliveries& prior) const {
  const auto* p = dynamic_cast<const PreparedLtt*>(&prepared);
  // A report holds several forløb: with one of them dropped for its errors
  // the reports differ, so they are built (and checked) again for the rest.
  if (!p || clean != p->selected()) return Adapter::render(prepared, clean, prior);
  std::vector<engine::OutboundMessage> out;
  const model::Citizen& citizen = p->citizen();
  if (!citizen.cpr || citizen.cpr->isReplacement()) return out;
  for (size_t i = 0; i < p->reports.size(); ++i) {
    if (p->failed[i]) continue;  // validation runs on every outbound report; one with an error is never sent
    const PlannedReport& rep = p->reports[i];
    if (auto h = prior.lastContentHash(rep.bundleId); h && *h == rep.contentHash) continue;  // unchanged: not resent
    out.push_back(message(citizen, clean, rep, toJson(*rep.doc)));
  }
  return out;
}

std::optional<engine::OutboundMessage> LttAdapter::wrapRun(const std::vector<const engine::OutboundMessage*>& run,
                                                          const engine::RunContext& ctx) const {
  const Settings& s = *settings_;
  return kl_gateway::wrapReports("ltt", "an LTT DeliveryReport", run, ctx.asOf, reportShape(s),
                                 [&s, &ctx](const rapidjson::Value& doc, const diag::Reporter& out) {
                                   LttValidator::get().validateDocument(doc, igOptions(s, ctx), out);
                                 });
}

std::optional<kl_gateway::GatewayAccess> LttAdapter::gatewayAccess() const { return access_.access(); }

std::vector<engine::CredentialInfo> LttAdapter::credentials() const { return access_.credentials(); }

std::shared_ptr<kl_gateway::GatewayAuth> LttAdapter::gatewayAuth() const {
  const auto a = gatewayAccess();
  return a ? a->auth : nullptr;
}

std::unique_ptr<engine::Deliverer> LttAdapter::makeDeliverer() const { return access_.makeDeliverer(); }

std::unique_ptr<engine::Sandbox> LttAdapter::makeSandbox(const engine::SandboxOptions& options) const {
  return std::make_unique<LttSandbox>(options, settings_);
}

std::map<std::string, std::string> LttAdapter::sandboxClientConfig(const engine::Sandbox& sandbox) const {
  if (const auto* ltt = dynamic_cast<const LttSandbox*>(&sandbox)) return ltt->clientConfig();
  return {{"ltt.endpoint", sandbox.baseUrl()}, {"ltt.caFile", sandbox.caFile()}};
}

void LttAdapter::synthesize(const engine::SynthCitizen& citizen, engine::SynthRng& rng, bool seedMistake,
                            std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) const {
  synthesizeLtt(citizen, rng, seedMistake, resources, seeded);
}

std::shared_ptr<const engine::DeadlineRule> LttAdapter::deadlineRule() const {
  const model::Date from = settings_->reportingStart;
  return engine::dailyDeadline(from, "Dagligt fra " + engine::dayDa(from) +
                                         ": gårsdagens ændringer senest i dag (SDS' indberetningsvejledning for LTT, "
                                         "afsnit 6)");
}

}  // namespace reghub::ltt
