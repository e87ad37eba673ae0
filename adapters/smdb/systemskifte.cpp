#include "adapters/smdb/systemskifte.h"

#include <algorithm>

#include "adapters/smdb/field_table.h"

namespace reghub::smdb {

namespace {

std::optional<model::Date> dateOf(const model::FormResponse& f, std::string_view var) {
  const model::Answer* a = f.find(var);
  return a && a->date ? std::optional(a->date->copenhagenDate()) : std::nullopt;
}

void setDate(model::FormResponse& f, std::string_view var, const model::Date& d) {
  for (model::Answer& a : f.answers)
    if (a.linkId == var) {
      a.type = model::Answer::Type::kDate;
      a.text = d.iso();
      a.date = model::DateTime::parse(a.text);
    }
}

void erase(model::FormResponse& f, std::initializer_list<std::string_view> vars) {
  f.answers.erase(std::remove_if(f.answers.begin(), f.answers.end(),
                                 [&](const model::Answer& a) {
                                   return std::find(vars.begin(), vars.end(), a.linkId) != vars.end();
                                 }),
                  f.answers.end());
}

bool active(const model::FormResponse& f) { return f.status != "entered-in-error"; }

}  // namespace

namespace {

model::Answer dateAnswer(std::string_view var, const model::Date& d) {
  model::Answer a;
  a.linkId = std::string(var);
  a.type = model::Answer::Type::kDate;
  a.text = d.iso();
  a.date = model::DateTime::parse(a.text);
  a.path = "item[systemskifte]";
  return a;
}

void put(model::FormResponse& f, model::Answer a) {
  for (model::Answer& x : f.answers)
    if (x.linkId == a.linkId) {
      a.path = x.path;
      a.itemIndex = x.itemIndex;
      x = std::move(a);
      return;
    }
  f.answers.push_back(std::move(a));
}

model::Answer textAnswer(std::string_view var, std::string text, model::Answer::Type type) {
  model::Answer a;
  a.linkId = std::string(var);
  a.type = type;
  a.text = std::move(text);
  a.path = "item[systemskifte]";
  return a;
}

// SYS-05/07: the old system closes the case on D.
SkifteOutcome closeOnD(const model::Date& d, model::Forloeb& forloeb) {
  std::optional<model::Date> anm, afsl, ivaer;
  for (const model::FormResponse& f : forloeb.forms) {
    if (!active(f)) continue;
    const auto s = skemaFromQuestionnaire(f.questionnaire);
    if (s == Skema::kAnm && !anm) anm = dateOf(f, "BehandlingAnmodningDato");
    if (s == Skema::kAfsl && !afsl) afsl = dateOf(f, "BehandlingAfsluttetDato");
    if (s == Skema::kIvaer && !ivaer) ivaer = dateOf(f, "IvaerksatBehandlingDato");
  }
  if (!anm) return SkifteOutcome::kUnchanged;
  if (*anm > d) return SkifteOutcome::kLeftWithNewSystem;
  if (afsl && *afsl <= d) return SkifteOutcome::kUnchanged;  // closed before the switch
  const bool ivaerAfterD = ivaer && *ivaer > d;
  std::vector<model::FormResponse> kept;
  bool hasAfsl = false;
  for (model::FormResponse& f : forloeb.forms) {
    const auto s = skemaFromQuestionnaire(f.questionnaire);
    if (ivaerAfterD && (s == Skema::kIvaer || s == Skema::kTilb || s == Skema::kKvalhep)) continue;
    if (s == Skema::kTilb) {
      const auto st = dateOf(f, "TilbudTilknyttetBehandlingStartDato");
      if (st && *st > d) continue;  // starts under the new system
      const auto end = dateOf(f, "TilbudTilknyttetBehandlingSlutDato");
      if (st && (!end || *end > d)) put(f, dateAnswer("TilbudTilknyttetBehandlingSlutDato", d));
    }
    if (s == Skema::kAfsl && active(f)) {
      hasAfsl = true;
      put(f, dateAnswer("BehandlingAfsluttetDato", d));
      put(f, textAnswer("BehandlingAfsluttetAarsagKode", "10", model::Answer::Type::kCode));
      put(f, textAnswer("BehandlingAfsluttetAarsagTekst", "Systemskifte", model::Answer::Type::kString));
    }
    kept.push_back(std::move(f));
  }
  if (!hasAfsl) {
    model::FormResponse a;
    a.questionnaire = "urn:reghub:smdb:AFSL";
    a.status = "completed";
    a.identifier = forloeb.key + "-systemskifte-afslutning";
    a.resourceId = a.identifier;
    a.source = forloeb.source;
    a.answers.push_back(dateAnswer("BehandlingAfsluttetDato", d));
    a.answers.push_back(textAnswer("BehandlingAfsluttetAarsagKode", "10", model::Answer::Type::kCode));
    a.answers.push_back(textAnswer("BehandlingAfsluttetAarsagTekst", "Systemskifte", model::Answer::Type::kString));
    kept.push_back(std::move(a));
  }
  forloeb.forms = std::move(kept);
  return SkifteOutcome::kClosed;
}

}  // namespace

SkifteOutcome applySystemskifte(const Settings& settings, model::Forloeb& forloeb) {
  if (settings.systemskifteModel != Settings::SystemskifteModel::kModel2 || !settings.systemskifteDate)
    return SkifteOutcome::kUnchanged;
  const model::Date d = *settings.systemskifteDate;
  if (settings.systemskifteRole == Settings::SystemskifteRole::kOld) return closeOnD(d, forloeb);
  const model::Date next = d.plusDays(1);
  std::optional<model::Date> anm, afsl;
  for (const model::FormResponse& f : forloeb.forms) {
    if (!active(f)) continue;
    const auto s = skemaFromQuestionnaire(f.questionnaire);
    if (s == Skema::kAnm && !anm) anm = dateOf(f, "BehandlingAnmodningDato");
    if (s == Skema::kAfsl && !afsl) afsl = dateOf(f, "BehandlingAfsluttetDato");
  }
  if (!anm || *anm > d) return SkifteOutcome::kUnchanged;  // started after D: reported as usual
  if (afsl && *afsl <= d) return SkifteOutcome::kLeftWithOldSystem;

  std::vector<model::FormResponse> kept;
  for (model::FormResponse& f : forloeb.forms) {
    const auto s = skemaFromQuestionnaire(f.questionnaire);
    if (s == Skema::kAnm) setDate(f, "BehandlingAnmodningDato", next);
    if (s == Skema::kIvaer) {
      if (const auto iv = dateOf(f, "IvaerksatBehandlingDato"); iv && *iv <= d) setDate(f, "IvaerksatBehandlingDato", next);
      // A lægesamtale before D+1 cannot be entered (26-IVÆR >= 2-ANM), and the garanti
      // reason belongs to the original anmodning (SYS-06 note).
      if (const auto ls = dateOf(f, "LaegesamtaleAfholdtDato"); ls && *ls <= d)
        erase(f, {"LaegesamtaleAfholdtIndikator", "LaegesamtaleAfholdtDato",
                  "LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetKode",
                  "LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetTekst"});
      const auto iv = dateOf(f, "IvaerksatBehandlingDato");
      if (iv && model::daysBetween(next, *iv) <= 14)
        erase(f, {"BehandlingGarantiOverskredetAarsagKode", "BehandlingGarantiOverskredetAarsagTekst"});
    }
    if (s == Skema::kTilb) {
      const auto end = dateOf(f, "TilbudTilknyttetBehandlingSlutDato");
      if (end && *end <= d) continue;  // ended under the old system
      if (const auto st = dateOf(f, "TilbudTilknyttetBehandlingStartDato"); st && *st <= d)
        setDate(f, "TilbudTilknyttetBehandlingStartDato", next);
    }
    kept.push_back(std::move(f));
  }
  forloeb.forms = std::move(kept);
  return SkifteOutcome::kReRegistered;
}

}  // namespace reghub::smdb
