#include "adapters/smdb/sandbox_sag.h"

#include <map>
#include <memory>

#include "hub/util/strings.h"

namespace reghub::smdb {

namespace {

// One sag as the citizen with one forløb the rules read.
struct SagModel {
  model::Citizen citizen;
  std::string sagId;
};

bool buildSag(const std::vector<const SandboxRecord*>& records, const std::string& sagId, const FieldTable& table,
              SagModel& out, std::string& why) {
  out.sagId = sagId;
  std::vector<const SmdbRecord*> plain(records.begin(), records.end());
  return sagAsCitizen(plain, "sag-" + (sagId.empty() ? std::string("ny") : sagId), table, out.citizen, why);
}

void judge(const SagModel& sag, const std::vector<const SagModel*>& others, const RuleContext& rc,
           diag::Collector& found) {
  const model::Citizen& citizen = sag.citizen;
  const model::Forloeb& f = citizen.forloeb.front();
  const diag::Reporter out(found, "smdb");
  ForloebView view = buildView(citizen, f, rc.table);
  checkFields(view, rc, out);
  checkForloeb(view, rc, out);
  if (!citizen.cpr) return;
  // Held sager first: on the same anmodningsdato the one arriving now is the later one.
  std::vector<ForloebView> all;
  for (const SagModel* o : others) all.push_back(buildView(o->citizen, o->citizen.forloeb.front(), rc.table));
  all.push_back(std::move(view));  // a view is moved, never copied (it points into itself)
  diag::Collector cross;
  checkCitizen(all, rc, diag::Reporter(cross, "smdb"));
  for (const diag::Diagnostic& d : cross.diagnostics())
    if (d.forloeb == f.display()) found.report(d);
}

}  // namespace

std::vector<diag::Diagnostic> judgeSag(const std::vector<SandboxRecord>& changes, const std::string& sagId,
                                       const std::vector<SandboxRecord>& held, const RuleContext& rc,
                                       std::string& why) {
  std::map<std::string, std::vector<const SandboxRecord*>> sager;  // held, by sag
  for (const SandboxRecord& r : held) sager[r.sagId].push_back(&r);
  std::vector<const SandboxRecord*> mine;
  if (!sagId.empty())
    for (const SandboxRecord* r : sager[sagId])
      if (std::none_of(changes.begin(), changes.end(), [&](const SandboxRecord& c) { return c.smdbId == r->smdbId; }))
        mine.push_back(r);
  for (const SandboxRecord& c : changes) mine.push_back(&c);

  SagModel sag;
  if (!buildSag(mine, sagId, rc.table, sag, why)) return {};
  std::vector<std::unique_ptr<SagModel>> otherModels;
  std::vector<const SagModel*> others;
  for (const auto& [id, records] : sager) {
    if (id == sagId) continue;
    auto m = std::make_unique<SagModel>();
    std::string ignored;  // what the sandbox holds was accepted once; it reads
    if (!buildSag(records, id, rc.table, *m, ignored)) continue;
    others.push_back(m.get());
    otherModels.push_back(std::move(m));
  }
  diag::Collector found;
  judge(sag, others, rc, found);
  std::vector<diag::Diagnostic> errors;
  for (const diag::Diagnostic& d : found.diagnostics())
    if (d.severity == diag::Severity::kError) errors.push_back(d);
  return errors;
}

}  // namespace reghub::smdb
