#include "hub/dashboard/views.h"

#include <map>
#include <tuple>

#include "hub/dashboard/form.h"

namespace reghub::dashboard {

std::string stateDa(store::MessageState state) {
  using S = store::MessageState;
  switch (state) {
    case S::kPending: return "venter";
    case S::kSending: return "sendes";
    case S::kAccepted: return "godkendt";
    case S::kRejected: return "afvist";
    case S::kRetryWait: return "venter på nyt forsøg";
    case S::kDead: return "død";
    case S::kSuperseded: return "erstattet";
  }
  return "ukendt";
}

namespace {

std::string sourceDa(const std::string& source) {
  if (source == "registry") return "afvist af registret";
  if (source == "dead") return "død (opgivet)";
  if (source == "validation") return "valideringsfejl (ikke sendt)";
  return source;
}

std::string severityDa(const std::string& severity) {
  if (severity == "error") return "fejl";
  if (severity == "warning") return "advarsel";
  return severity;
}

struct Sums {
  int64_t accepted = 0, rejected = 0, dead = 0, waiting = 0, superseded = 0;
};

std::map<std::pair<std::string, std::string>, Sums> sums(const std::vector<store::StateCount>& counts) {
  using S = store::MessageState;
  std::map<std::pair<std::string, std::string>, Sums> out;
  for (const auto& c : counts) {
    Sums& s = out[{c.registry, c.kommune}];
    switch (c.state) {
      case S::kAccepted: s.accepted += c.count; break;
      case S::kRejected: s.rejected += c.count; break;
      case S::kDead: s.dead += c.count; break;
      case S::kSuperseded: s.superseded += c.count; break;
      case S::kPending:
      case S::kSending:
      case S::kRetryWait: s.waiting += c.count; break;
    }
  }
  return out;
}

std::string problemsLink(const std::string& kommune) { return "/dashboard/problemer?kommune=" + urlEncode(kommune); }

}  // namespace

std::string ruleLink(const store::RejectionGroup& g) {
  return "/dashboard/regel?register=" + urlEncode(g.registry) + "&kilde=" + urlEncode(g.source) +
         "&regel=" + urlEncode(g.rule);
}

std::string headingOf(const std::string& name) {
  static const std::map<std::string, std::string> kHeadings = {
      {"oversigt", "Beskeder pr. register og kommune"},
      {"parkerede", "Parkerede ressourcer (venter på deres Patient)"},
      {"opgaver", "Åbne manuelle opgaver"},
      {"udenfor-hubben", "Registreringer lavet uden for hubben"},
      {"lukkede-opgaver", "Lukkede opgaver (de seneste 100)"},
      {"problemer", "Afvist, død eller valideringsfejl pr. regel"},
      {"regel", "Reglen pr. kommune"},
      {"forloeb", "Forløbets tidslinje"},
      {"forloeb-problemer", "Forløbets valideringsproblemer i indlæsningen (ikke sendt)"},
      {"doede", "Døde beskeder pr. register og kommune"},
      {"frister", "Frister pr. register og kommune"},
      {"regel-forloeb", "Forløb under reglen (nyeste først)"},
      {"certifikater", "Funktionscertifikater"},
      {"udvikling-dag", "Beskeder pr. dag efter udfald"},
      {"fejl-uge", "Åbne fejl pr. uge (afvist eller død nu, efter ugen de endte i)"},
      {"fuldstaendighed", "Fuldstændighed pr. måned"}};
  const auto it = kHeadings.find(name);
  return it == kHeadings.end() ? name : it->second;
}

std::string forloebLink(const std::string& key) { return "/dashboard/forloeb?noegle=" + urlEncode(key); }

Table overviewTable(const api::StatusView& view) {
  Table t{"oversigt", {"Register", "Kommune", "Godkendt", "Afvist", "Død", "Venter", "Erstattet"}, {}};
  for (const auto& [at, s] : sums(view.counts))
    t.add({text(at.first), text(at.second, at.second.empty() ? "" : problemsLink(at.second)), number(s.accepted),
           number(s.rejected), number(s.dead), number(s.waiting), number(s.superseded)});
  return t;
}

Table problemsTable(const api::StatusView& view) {
  Table t{"problemer", {"Register", "Hvorfor", "Regel", "Alvor", "Antal"}, {}};
  for (const auto& g : view.rejections)
    t.add({text(g.registry), text(sourceDa(g.source)), text(g.rule, ruleLink(g)), text(severityDa(g.severity)),
           number(g.count)});
  return t;
}

Table deadTable(const api::StatusView& view) {
  Table t{"doede", {"Register", "Kommune", "Døde beskeder"}, {}};
  for (const auto& [at, s] : sums(view.counts))
    if (s.dead > 0) t.add({text(at.first), text(at.second), number(s.dead)});
  return t;
}

Table parkedTable(const std::vector<store::ParkedResource>& parked) {
  Table t{"parkerede", {"Ressource", "Venter på", "Fra", "Parkeret siden", "Udløbet"}, {}};
  for (const auto& p : parked)
    t.add({text(p.type), text(p.waitingFor), text(p.file), text(isoDate(p.since)), text(p.expired ? "ja" : "nej")});
  return t;
}

Table tasksTable(const api::RegistryState& state) {
  Table t{"opgaver", {"Register", "Kommune", "Opgave", "Forløb", "CPR", "Hvorfor", "Åbnet"}, {}};
  for (const auto& task : state.tasks)
    t.add({text(task.registry), text(task.kommune), text(task.kind), text(task.forloebKey, forloebLink(task.forloebKey)),
           text(task.citizenMasked), text(task.reason), text(isoDate(task.openedAt))});
  return t;
}

Table closedTasksTable(const std::vector<store::ClosedTask>& closed) {
  Table t{"lukkede-opgaver", {"Register", "Kommune", "Opgave", "Forløb", "CPR", "Åbnet", "Lukket", "Lukket af"}, {}};
  for (const auto& task : closed)
    t.add({text(task.registry), text(task.kommune), text(task.kind), text(task.forloebKey, forloebLink(task.forloebKey)),
           text(task.citizenMasked), text(isoDate(task.openedAt)), text(isoDateTime(task.closedAt)),
           text(task.closedBy.empty() ? "registret (synkronisering)" : task.closedBy)});
  return t;
}

Table foreignTable(const api::RegistryState& state) {
  Table t{"udenfor-hubben", {"Register", "Kommune", "Registrets id", "Art", "CPR", "Først set"}, {}};
  for (const auto& r : state.foreign)
    t.add({text(r.registry), text(r.kommune), text(r.recordId), text(r.kind), text(r.citizenMasked),
           text(isoDate(r.firstSeen))});
  return t;
}

Table timelineTable(const std::vector<store::Transition>& history) {
  Table t{"forloeb",
          {"Dato", "Tid", "Register", "Kommune", "Forløb", "Besked", "CPR", "Fra", "Til", "Forsøg", "HTTP",
           "Registrets id", "Registrets svar", "Af"},
          {}};
  for (const auto& h : history)
    t.add({text(isoDate(h.at)), text(isoDateTime(h.at).substr(11)), text(h.registry), text(h.kommune),
           text(h.forloebKey, h.forloebKey.empty() ? "" : forloebLink(h.forloebKey)), text(h.kind),
           text(h.citizenMasked), text(h.from ? stateDa(*h.from) : ""), text(stateDa(h.to)), number(h.attempt),
           text(h.httpStatus ? std::to_string(h.httpStatus) : ""), text(h.registryId), text(h.detail), text(h.actor)});
  return t;
}

Table problemsOfForloeb(const std::vector<diag::Diagnostic>& diagnostics, const std::string& forloeb, int64_t at) {
  Table t{"forloeb-problemer", {"Dato", "Register", "Regel", "Felt", "Alvor", "CPR", "Hvor", "Hvad er galt"}, {}};
  for (const auto& d : diagnostics)
    if (d.forloeb == forloeb && d.severity != diag::Severity::kInfo)
      t.add({text(isoDate(at)), text(d.registry), text(d.rule), text(d.field),
             text(d.severity == diag::Severity::kError ? "fejl" : "advarsel"), text(d.citizen), text(d.path),
             text(d.message)});
  return t;
}

Table ruleTable(const std::vector<std::pair<std::string, store::RejectionGroup>>& perKommune) {
  Table t{"regel", {"Kommune", "Register", "Hvorfor", "Regel", "Antal"}, {}};
  for (const auto& [kommune, g] : perKommune)
    t.add({text(kommune.empty() ? "(ingen kommune: valideringsfejl)" : kommune), text(g.registry), text(sourceDa(g.source)),
           text(g.rule), number(g.count)});
  return t;
}

Table deadlinesTable(const std::vector<DeadlineRow>& rows) {
  Table t{"frister", {"Register", "Kommune", "Lys", "Næste frist", "Gælder", "Senest godkendt", "Hvorfor"}, {}};
  for (const auto& r : rows) {
    Cell light = text(lightDa(r.judgement.light));
    light.style = lightStyle(r.judgement.light);
    const auto& next = r.judgement.next;
    t.add({text(r.registry), text(r.kommune, r.kommune.empty() ? "" : "/dashboard/problemer?kommune=" + urlEncode(r.kommune)),
           light, text(next ? next->due.iso() : ""), text(next ? next->activity : ""),
           text(r.lastAccepted ? isoDateTime(*r.lastAccepted) : "aldrig"), text(r.judgement.reason)});
  }
  return t;
}

Table ruleCasesTable(const std::vector<store::RuleCase>& cases) {
  Table t{"regel-forloeb", {"Kommune", "Forløb", "CPR", "Besked", "Felt", "Tilstand", "Tid", "Hvad er galt / registrets svar"}, {}};
  for (const auto& c : cases)
    t.add({text(c.kommune),
           text(c.forloebKey, c.forloebKey.empty()   ? ""
                              : c.ingestId.empty() ? forloebLink(c.forloebKey)
                                                   : forloebLink(c.forloebKey) + "&indlaesning=" + urlEncode(c.ingestId)),
           text(c.citizenMasked),
           text(c.kind), text(c.field), text(c.state ? stateDa(*c.state) : "ikke sendt"), text(isoDateTime(c.at)),
           text(c.detail)});
  return t;
}

Table certificatesTable(const std::vector<RegistryFacts>& registries, int64_t now) {
  Table t{"certifikater", {"Register", "Indstilling", "Certifikat", "Udløber", "Dage tilbage", "Tilstand"}, {}};
  for (const auto& r : registries)
    for (const auto& c : r.credentials) {
      const auto state = engine::credentialState(c, now);
      Cell st = text(state == engine::CredentialState::kOk         ? "gyldigt"
                     : state == engine::CredentialState::kExpiring ? "udløber inden for " +
                                                                         std::to_string(engine::kCredentialWarnDays) + " dage"
                                                                   : "udløbet");
      st.style = state == engine::CredentialState::kOk ? "lys-groen"
                 : state == engine::CredentialState::kExpiring ? "lys-gul" : "lys-roed";
      t.add({text(r.name), text(c.setting), text(c.subject), text(isoDate(c.notAfterMillis)),
             number(engine::credentialDaysLeft(c, now)), st});
    }
  return t;
}

std::vector<int64_t> valuesOf(const std::vector<int64_t>& periods, const std::vector<store::PeriodCount>& counts,
                              store::MessageState state) {
  std::map<int64_t, int64_t> by;
  for (const auto& c : counts)
    if (c.state == state) by[c.period] += c.count;
  std::vector<int64_t> out;
  for (const int64_t p : periods) out.push_back(by.count(p) ? by.at(p) : 0);
  return out;
}

Table outcomesTable(const std::vector<int64_t>& days, const std::vector<store::PeriodCount>& counts) {
  using S = store::MessageState;
  Table t{"udvikling-dag", {"Dato", "Godkendt", "Afvist", "Død"}, {}};
  const auto a = valuesOf(days, counts, S::kAccepted), r = valuesOf(days, counts, S::kRejected),
             d = valuesOf(days, counts, S::kDead);
  for (size_t i = 0; i < days.size(); ++i)
    t.add({text(model::Date::fromDays(static_cast<int32_t>(days[i])).iso()), number(a[i]), number(r[i]), number(d[i])});
  return t;
}

Table openErrorsTable(const std::vector<int64_t>& weeks, const std::vector<store::PeriodCount>& counts) {
  using S = store::MessageState;
  Table t{"fejl-uge", {"Uge fra (mandag)", "Afvist", "Død"}, {}};
  const auto r = valuesOf(weeks, counts, S::kRejected), d = valuesOf(weeks, counts, S::kDead);
  // Week w started on day 7w − 3 (1970-01-01 was a Thursday).
  for (size_t i = 0; i < weeks.size(); ++i)
    t.add({text(model::Date::fromDays(static_cast<int32_t>(weeks[i] * 7 - 3)).iso()), number(r[i]), number(d[i])});
  return t;
}

Table completenessTable(const std::vector<store::MonthCompleteness>& months) {
  Table t{"fuldstaendighed", {"Måned", "Forløb med aktivitet", "Fuldt godkendt", "Andel %"}, {}};
  for (const auto& m : months) {
    const int64_t pct = m.forloeb ? (m.complete * 100 + m.forloeb / 2) / m.forloeb : 0;
    t.add({text(std::to_string(m.year) + "-" + (m.month < 10 ? "0" : "") + std::to_string(m.month)), number(m.forloeb),
           number(m.complete), text(m.forloeb ? std::to_string(pct) : "–")});
  }
  return t;
}

}  // namespace reghub::dashboard
