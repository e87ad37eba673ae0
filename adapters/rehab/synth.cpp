#include "adapters/rehab/synth.h"

#include <algorithm>

#include "adapters/rehab/rehab_data.h"
#include "hub/util/hash.h"

namespace reghub::rehab {

namespace {

constexpr const char* kSynthNamespace = "1d4b7e2a-9c3f-5a6e-b8d1-4f2c7a9e3b51";
constexpr const char* kExtBase = "http://fhir.kl.dk/rehab/StructureDefinition/";

std::string q(const std::string& s) { return "\"" + s + "\""; }  // ids, codes and dates only: no escaping needed
std::string refTo(const std::string& r) { return "{\"reference\":" + q(r) + "}"; }
std::string csc(const std::string& code) { return "{\"coding\":[{\"system\":" + q(kCscSystem) + ",\"code\":" + q(code) + "}]}"; }

struct Mistake {
  const char* rule;
  const char* what;
};
const std::vector<Mistake> kMistakes = {
    {"REH-SR-08", "GGOP without authoredOn"},
    {"REH-ENC-05", "contact without period.end"},
    {"REH-CP-01", "forløb cancelled without statusReason"},
    {"REH-PI-01", "Fysisk træning without basedOn"},
    {"REH-SR-09", "GGOP without udskrivningsdato"},
};

}  // namespace

void synthesizeRehab(const engine::SynthCitizen& c, engine::SynthRng& /*shared*/, bool seedMistake,
                     std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) {
  // Its own random source, from the citizen and the run's: the other
  // registries' data stays what it was before § 140 joined synth.
  engine::SynthRng rng(std::stoull(
      util::sha256Hex(std::to_string(c.index) + "|" + c.patientRef + "|" + c.cpr.digits()).substr(0, 15), nullptr, 16));
  if (c.cpr.ageAt(c.asOf) < 18) return;
  if (!seedMistake && !rng.chance(0.25)) return;  // about one adult in four is in genoptræning
  const std::string base = std::to_string(c.index) + "/" + c.patientRef;
  const auto id = [&](const std::string& what) { return util::uuidV5(kSynthNamespace, what + "/" + base); };
  const std::string hospital = id("hospital"), supplier = id("supplier"), ggop = id("ggop"), dx = id("dx"),
                    forloeb = id("forloeb"), training = id("training");
  const model::Date received = c.asOf.plusDays(-rng.uniform(10, 50));
  const model::Date start = received.plusDays(rng.uniform(1, 5));
  const Mistake* m = seedMistake ? &kMistakes[static_cast<size_t>(rng.uniform(0, static_cast<int>(kMistakes.size()) - 1))] : nullptr;
  const auto is = [&](const char* rule) { return m && std::string(m->rule) == rule; };
  const auto lastUpdated = [](const model::Date& d) { return "\"meta\":{\"lastUpdated\":" + q(d.iso() + "T10:00:00+01:00") + "}"; };
  const auto org = [&](const std::string& oid, const std::string& sor, const char* name) {
    return "{\"resourceType\":\"Organization\",\"id\":" + q(oid) +
           ",\"identifier\":[{\"use\":\"official\",\"system\":" + q(kSorSystem) + ",\"value\":" + q(sor) +
           "}],\"name\":\"" + name + "\"}";
  };
  resources.push_back(org(hospital, "227871000016001", "Sygehus"));
  resources.push_back(org(supplier, "1037801000016003", "Genoptræningscenter"));
  resources.push_back("{\"resourceType\":\"Condition\",\"id\":" + q(dx) + "," + lastUpdated(received) +
                      ",\"code\":{\"coding\":[{\"system\":" + q(kSksDSystem) +
                      ",\"code\":\"DS721\",\"display\":\"Pertrokantær femurfraktur\"}]},\"clinicalStatus\":{\"coding\":[{"
                      "\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
                      "\"subject\":" + refTo(c.patientRef) + "}");
  std::string sr = "{\"resourceType\":\"ServiceRequest\",\"id\":" + q(ggop) + "," + lastUpdated(received) +
                   ",\"identifier\":[{\"system\":\"urn:kommune:case\",\"value\":\"GGOP-" + std::to_string(c.index) +
                   "\"}],\"status\":\"active\",\"intent\":\"plan\",\"category\":[" +
                   csc("ffd81f78-352e-4589-a195-5350dd1df2a4") + "],\"code\":" + csc(kGgopCode) +
                   ",\"subject\":" + refTo(c.patientRef) + ",\"requester\":" + refTo("Organization/" + hospital) +
                   ",\"reasonReference\":[" + refTo("Condition/" + dx) + "]";
  if (!is("REH-SR-08")) sr += ",\"authoredOn\":" + q(received.iso());
  if (!is("REH-SR-09"))
    sr += ",\"extension\":[{\"url\":\"" + std::string(kExtBase) + "PreconditionDate\",\"valueDate\":" +
          q(received.plusDays(-1).iso()) + "}]";
  resources.push_back(sr + ",\"occurrencePeriod\":{\"start\":" + q(start.iso()) + "}}");
  const bool cancelled = is("REH-CP-01");
  resources.push_back(
      "{\"resourceType\":\"CarePlan\",\"id\":" + q(forloeb) + "," + lastUpdated(start) +
      ",\"status\":\"active\",\"intent\":\"plan\",\"category\":[" + csc("f15b2663-94d9-4d0c-a5de-d8bd8e1e4ebb") +
      "],\"subject\":" + refTo(c.patientRef) + ",\"period\":{\"start\":" + q(start.iso()) +
      "},\"extension\":[{\"url\":\"" + kExtBase + "BasedOnServiceRequestExtension\",\"valueReference\":" +
      refTo("ServiceRequest/" + ggop) + "}],\"activity\":[{\"detail\":{\"status\":" +
      q(cancelled ? "cancelled" : "in-progress") + ",\"performer\":[" + refTo("Organization/" + supplier) + "]}}]}");
  std::string pi = "{\"resourceType\":\"CarePlan\",\"id\":" + q(training) + "," + lastUpdated(start) +
                   ",\"status\":\"active\",\"intent\":\"plan\",\"subject\":" + refTo(c.patientRef) +
                   ",\"period\":{\"start\":" + q(start.iso()) + "}";
  if (!is("REH-PI-01")) pi += ",\"basedOn\":[" + refTo("CarePlan/" + forloeb) + "]";
  resources.push_back(pi + ",\"activity\":[{\"detail\":{\"status\":\"in-progress\",\"code\":{\"coding\":[{\"system\":" +
                      q(kFsiiiSystem) + ",\"code\":\"2abe20c7-c0b4-41c1-b397-52acf36499ef\",\"display\":\"Fysisk "
                      "træning\"}]},\"extension\":[{\"url\":\"" + kExtBase + "DeliveryType\",\"valueCodeableConcept\":" +
                      csc("8d12d74c-17da-47a7-a4fe-e69dbaec0a8c") + "}]}}]}");
  const int contacts = std::min(2, std::max(0, model::daysBetween(start, c.asOf)));
  for (int k = 0; k < contacts; ++k) {
    const model::Date day = start.plusDays(k + 1);
    const bool noEnd = is("REH-ENC-05") && k == 0;
    resources.push_back("{\"resourceType\":\"Encounter\",\"id\":" + q(id("contact" + std::to_string(k))) + "," +
                        lastUpdated(day) + ",\"status\":\"finished\",\"class\":{\"system\":"
                        "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"HH\"},\"subject\":" +
                        refTo(c.patientRef) + ",\"period\":{\"start\":" + q(day.iso() + "T09:00:00+01:00") +
                        (noEnd ? "" : ",\"end\":" + q(day.iso() + "T09:45:00+01:00")) + "},\"extension\":[{\"url\":\"" +
                        kExtBase + "BasedOnCarePlanExtension\",\"valueReference\":" + refTo("CarePlan/" + training) + "}]}");
  }
  if (m && !(is("REH-ENC-05") && contacts == 0))
    seeded.push_back({"rehab", m->rule, "ServiceRequest/" + ggop, m->what});
}

}  // namespace reghub::rehab
