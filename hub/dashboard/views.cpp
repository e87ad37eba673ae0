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
      {"problemer", "Afvist, død eller valideringsfejl pr. regel"},
      {"regel", "Reglen pr. kommune"},
      {"forloeb", "Forløbets tidslinje"},
      {"doede", "Døde beskeder pr. register og kommune"}};
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

Table foreignTable(const api::RegistryState& state) {
  Table t{"udenfor-hubben", {"Register", "Kommune", "Registrets id", "Art", "CPR", "Først set"}, {}};
  for (const auto& r : state.foreign)
    t.add({text(r.registry), text(r.kommune), text(r.recordId), text(r.kind), text(r.citizenMasked),
           text(isoDate(r.firstSeen))});
  return t;
}

Table timelineTable(const std::vector<store::Transition>& history) {
  Table t{"forloeb",
          {"Dato", "Tid", "Register", "Kommune", "Besked", "CPR", "Fra", "Til", "Forsøg", "HTTP", "Registrets id",
           "Registrets svar", "Af"},
          {}};
  for (const auto& h : history)
    t.add({text(isoDate(h.at)), text(isoDateTime(h.at).substr(11)), text(h.registry), text(h.kommune), text(h.kind),
           text(h.citizenMasked), text(h.from ? stateDa(*h.from) : ""), text(stateDa(h.to)), number(h.attempt),
           text(h.httpStatus ? std::to_string(h.httpStatus) : ""), text(h.registryId), text(h.detail), text(h.actor)});
  return t;
}

Table ruleTable(const std::vector<std::pair<std::string, store::RejectionGroup>>& perKommune) {
  Table t{"regel", {"Kommune", "Register", "Hvorfor", "Regel", "Antal"}, {}};
  for (const auto& [kommune, g] : perKommune)
    t.add({text(kommune.empty() ? "(ingen kommune: valideringsfejl)" : kommune), text(g.registry), text(sourceDa(g.source)),
           text(g.rule), number(g.count)});
  return t;
}

}  // namespace reghub::dashboard
