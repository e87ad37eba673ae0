#include "adapters/ltt/synth.h"

#include <algorithm>
#include <cstdio>

#include "adapters/ltt/ltt_data.h"
#include "hub/util/hash.h"
#include "hub/util/json_writer.h"

namespace reghub::ltt {

namespace {

constexpr const char* kSynthNamespace = "9a0f3d7e-4c1b-5e8a-b2d6-1f7c3e9a5b20";

std::string js(const std::string& s) {
  std::string out;
  util::appendJsonString(out, s);
  return out;
}

std::string coding(const model::Coding& c) {
  return "{\"system\":" + js(c.system) + ",\"code\":" + js(c.code) + ",\"display\":" + js(c.display) + "}";
}

std::vector<model::Coding> codes(const ValueSet& vs) {
  std::vector<model::Coding> out;
  for (const auto& [key, display] : vs.displayByKey) {
    const size_t bar = key.find('|');
    out.push_back({key.substr(0, bar), key.substr(bar + 1), display});
  }
  return out;
}

std::string at(const model::Date& d, int hour, int minute) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:00+02:00", hour, minute);
  return d.iso() + buf;
}

}  // namespace

void synthesizeLtt(const engine::SynthCitizen& c, engine::SynthRng& rng, bool seedMistake,
                   std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) {
  const LttData& data = LttData::get();
  const int age = c.cpr.ageAt(c.asOf);
  if (age < data.minAge() || age > data.maxAge()) return;
  const model::Date first = *model::Date::fromYmd(2026, 3, 1);
  if (c.asOf < first) return;
  const std::string base = std::to_string(c.index) + "/" + c.cpr.masked() + "/" + c.patientRef;
  const std::string cpId = util::uuidV5(kSynthNamespace, "forloeb/" + base);
  const std::string cpRef = "CarePlan/" + cpId;
  const int span = std::max(0, model::daysBetween(first, c.asOf));
  const model::Date start = first.plusDays(rng.uniform(0, std::min(span, 60)));
  const std::vector<model::Coding> themes = codes(data.requireValueSet(kVsFocus));
  const std::vector<model::Coding> referrals = codes(data.requireValueSet(kVsReferral));
  const auto& ui = data.uiMappings();
  const model::Coding henvendelse{kLttSystem, "ac1057da-a510-4bab-a2b1-d96efa464bdc", "Henvendelse"};
  const model::Coding forsamtale{kLttSystem, "e2eee938-a58c-42d0-a514-dc91779b1243", "Forsamtale"};
  const model::Coding behandling{kLttSystem, kBehandlingCode, "Behandling"};

  // Seeded mistake: which one, placed on a day from 2026-04-01 on.
  enum class Mistake { kNone, kBehandlingWithoutParticipant, kUnknownType, kCompletedWithoutEnd };
  Mistake mistake = Mistake::kNone;
  const model::Date reportStart = data.reportingStart();
  if (seedMistake && !(c.asOf < reportStart)) mistake = static_cast<Mistake>(rng.uniform(1, 3));

  // Contacts: Henvendelse on the start day, a Forsamtale, then treatments (UI codes).
  struct Planned {
    model::Date day;
    std::string type;  // coding JSON
    bool treatment = false;
  };
  std::vector<Planned> contacts;
  contacts.push_back({start, coding(henvendelse)});
  model::Date d = start.plusDays(rng.uniform(3, 14));
  if (!(c.asOf < d)) contacts.push_back({d, coding(forsamtale)});
  const int treatments = rng.uniform(1, 4);
  for (int i = 0; i < treatments; ++i) {
    d = d.plusDays(rng.uniform(5, 21));
    if (c.asOf < d) break;
    contacts.push_back({d, coding(rng.pick(ui).ui), true});
  }
  const model::Coding afslutning{kLttSystem, "3b1d8884-5a1d-43cf-aabb-8c1035148c46", "Afslutning"};
  if (mistake != Mistake::kNone) {
    // The mistake must fall in the reporting period to be reported (and caught).
    const model::Date md = std::max(reportStart, contacts.back().day.plusDays(1));
    if (c.asOf < md) {
      mistake = Mistake::kNone;
    } else if (mistake == Mistake::kCompletedWithoutEnd) {
      contacts.push_back({md, coding(afslutning)});
    } else {
      contacts.push_back({md,
                          mistake == Mistake::kUnknownType
                              ? coding({"urn:kommune:kontakttype", "BEH-X", "Behandling (lokal kode)"})
                              : coding(behandling),
                          mistake == Mistake::kBehandlingWithoutParticipant});
    }
  }
  const bool completed = mistake == Mistake::kCompletedWithoutEnd || rng.chance(0.3);
  const model::Date endDay = std::max(contacts.back().day, reportStart);
  const bool canComplete = !(c.asOf < endDay);

  std::string reasons;
  const int nThemes = rng.uniform(1, 2);
  for (int i = 0; i < nThemes; ++i) reasons += std::string(i ? "," : "") + "{\"coding\":[" + coding(rng.pick(themes)) + "]}";
  const bool isCompleted = completed && canComplete;
  std::string period = "{\"start\":\"" + at(start, 9, 0) + "\"";
  if (isCompleted && mistake != Mistake::kCompletedWithoutEnd) period += ",\"end\":\"" + at(endDay, 15, 30) + "\"";
  period += "}";
  resources.push_back("{\"resourceType\":\"CarePlan\",\"id\":\"" + cpId +
                      "\",\"identifier\":[{\"system\":\"urn:kommune:ltt-forloeb\",\"value\":\"LTT-" +
                      std::to_string(c.index) + "\"}],\"status\":\"" + (isCompleted ? "completed" : "active") +
                      "\",\"intent\":\"plan\",\"title\":\"Lettilgængeligt forløb\",\"subject\":{\"reference\":\"" +
                      c.patientRef + "\"},\"period\":" + period +
                      ",\"activity\":[{\"detail\":{\"code\":{\"coding\":[" +
                      coding({kCscSystem, kLttProgramCode, "Lettilgængelige tilbud til børn og unge i psykisk mistrivsel"}) +
                      "]},\"reasonCode\":[" + reasons + "],\"status\":\"" + (isCompleted ? "completed" : "in-progress") +
                      "\"}}],\"note\":[{\"text\":\"Fri tekst fra sagsbehandler (sendes aldrig)\"}]}");
  if (mistake == Mistake::kCompletedWithoutEnd && isCompleted)
    seeded.push_back({"ltt", "LTT-CP-01", cpRef, "completed forløb without period.end"});

  int k = 0;
  for (const Planned& p : contacts) {
    const std::string eid = util::uuidV5(kSynthNamespace, "kontakt/" + base + "/" + std::to_string(k++));
    std::string e = "{\"resourceType\":\"Encounter\",\"id\":\"" + eid + "\",\"extension\":[{\"url\":" +
                    js(kExtBasedOnCarePlan) + ",\"valueReference\":{\"reference\":\"" + cpRef +
                    "\"}}],\"status\":\"finished\",\"class\":{\"system\":" + js(kActCodeSystem) +
                    ",\"code\":\"AMB\"},\"type\":[{\"coding\":[" + p.type +
                    "],\"text\":\"kontakt\"}],\"subject\":{\"reference\":\"" + c.patientRef +
                    "\"},\"period\":{\"start\":\"" + at(p.day, 10 + k % 6, 15) + "\"}}";
    resources.push_back(e);
    if (!(p.day < reportStart) && p.treatment && mistake == Mistake::kBehandlingWithoutParticipant &&
        p.type == coding(behandling))
      seeded.push_back({"ltt", "LTT-ENC-01", cpRef, "Behandling without participant and deliveryType"});
    if (!(p.day < reportStart) && mistake == Mistake::kUnknownType && p.type.find("BEH-X") != std::string::npos)
      seeded.push_back({"ltt", "LTT-ENC-05", cpRef, "contact type outside the LTT value set"});
  }
  // A henvisning to another offer, on the last contact day.
  if (rng.chance(0.5)) {
    const model::Date rd = contacts.back().day;
    const std::string rid = util::uuidV5(kSynthNamespace, "henvisning/" + base);
    resources.push_back("{\"resourceType\":\"CarePlan\",\"id\":\"" + rid + "\",\"basedOn\":[{\"reference\":\"" + cpRef +
                        "\"}],\"status\":\"completed\",\"intent\":\"plan\",\"subject\":{\"reference\":\"" +
                        c.patientRef + "\"},\"period\":{\"start\":\"" + at(rd, 16, 0) +
                        "\"},\"activity\":[{\"detail\":{\"code\":{\"coding\":[" + coding(rng.pick(referrals)) +
                        "]},\"status\":\"completed\"}}]}");
  }
}

}  // namespace reghub::ltt
