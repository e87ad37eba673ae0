// `reghub synth`: a deterministic synthetic inbound data set. The hub
// writes citizens (Patient) and municipalities (Organization); each adapter
// adds its registry's forløb (Adapter::synthesize), so the hub names no
// registry here. Output: NDJSON, one collection Bundle per citizen per line.
// All CPR numbers are synthetic (random valid dates, random sequence).
#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/engine/adapter_registry.h"
#include "hub/util/hash.h"
#include "hub/util/json_writer.h"
#include "hub/util/strings.h"

namespace reghub::cli {

namespace {

const std::vector<OptionSpec> kSynthOptions = {
    {"citizens", true, "how many citizens", "100"},
    {"seed", true, "random seed; the same seed gives the same data", "1"},
    {"as-of", true, "data is generated up to this day (YYYY-MM-DD)", "2026-11-01"},
    {"mistakes", true, "share of citizens (0..1) with one seeded rule violation", "0"},
    {"registry", true, "which adapters contribute forløb (smdb, ltt, all)", "all"},
    {"out", true, "output file (NDJSON)", "stdout"},
    {"manifest", true, "write the seeded mistakes here (JSON lines)", ""},
    {"help", false, "show this help", ""},
};

struct Municipality {
  const char* code;
  const char* name;
};
// A handful of real kommune numbers (DK-core municipality codes).
const std::vector<Municipality> kMunicipalities = {
    {"0101", "København"}, {"0147", "Frederiksberg"}, {"0751", "Aarhus"}, {"0851", "Aalborg"},
    {"0461", "Odense"},    {"0330", "Slagelse"},      {"0561", "Esbjerg"}, {"0630", "Vejle"},
};
const std::vector<std::string> kGiven = {"Anna", "Mads", "Sofie", "Frederik", "Ida", "Oliver", "Emma", "Lucas",
                                         "Freja", "Noah", "Clara", "William", "Josefine", "Malthe", "Asta", "Søren"};
const std::vector<std::string> kFamily = {"Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen",
                                          "Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Mortensen", "Mølle"};

constexpr std::string_view kNamespace = "7c1c2f7e-8a55-4d3b-9a52-2f6a3b0f1e10";

model::Cpr syntheticCpr(engine::SynthRng& rng, const model::Date& asOf, int minAge, int maxAge) {
  for (;;) {
    const int age = rng.uniform(minAge, maxAge);
    const model::Date birth = asOf.plusDays(-age * 365 - rng.uniform(0, 364));
    const int yy = birth.year() % 100;
    int d7;
    if (birth.year() < 2000)
      d7 = rng.uniform(0, 3);
    else
      d7 = rng.chance(0.5) ? (rng.chance(0.5) ? 4 : 9) : rng.uniform(5, 8);
    if (birth.year() >= 2000 && (d7 == 4 || d7 == 9) && yy > 36) d7 = 5;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d%02d%02d%d%03d", birth.day(), birth.month(), yy, d7, rng.uniform(0, 999));
    // Born before October 2007: only a number that was never issued (fails
    // modulus 11), so synthetic data cannot name a real person.
    if (auto c = model::Cpr::parse(buf); c && c->birthDate() == birth && (model::neverIssued(*c) || birth >= *model::Date::fromYmd(2007, 10, 1)))
      return *c;
  }
}

std::string jsonString(std::string_view s) {
  std::string out;
  util::appendJsonString(out, s);
  return out;
}

}  // namespace

int cmdSynth(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub synth [OPTIONS]\n\n"
                   "Writes realistic synthetic inbound NDJSON (CONTRACT §1): one Bundle per citizen\n"
                   "per line, with each registry's forløb. Deterministic for a seed.\n\n"
                << formatOptions(kSynthOptions);
      return kExitOk;
    }
  const Args a(argv, kSynthOptions);
  const int citizens = std::stoi(a.get("citizens", "100"));
  const uint64_t seed = std::stoull(a.get("seed", "1"));
  const auto asOf = model::Date::parse(a.get("as-of", "2026-11-01"));
  if (!asOf) throw UsageError("--as-of must be YYYY-MM-DD");
  const double mistakes = std::stod(a.get("mistakes", "0"));
  if (citizens < 0 || mistakes < 0 || mistakes > 1) throw UsageError("--citizens >= 0 and 0 <= --mistakes <= 1");

  std::vector<std::unique_ptr<engine::Adapter>> adapters;
  if (a.get("registry", "all") == "all") {
    adapters = engine::AdapterRegistry::createAll();
  } else {
    for (const auto& n : util::split(a.get("registry"), ',')) {
      auto ad = engine::AdapterRegistry::create(n);
      if (!ad) throw UsageError("unknown registry '" + n + "'");
      adapters.push_back(std::move(ad));
    }
  }

  std::unique_ptr<std::ofstream> file;
  std::ostream* out = &std::cout;
  if (a.has("out") && a.get("out") != "-") {
    file = std::make_unique<std::ofstream>(a.get("out"), std::ios::binary);
    if (!*file) throw std::runtime_error("cannot write " + a.get("out"));
    out = file.get();
  }
  std::unique_ptr<std::ofstream> manifest;
  if (a.has("manifest")) {
    manifest = std::make_unique<std::ofstream>(a.get("manifest"), std::ios::binary);
    if (!*manifest) throw std::runtime_error("cannot write " + a.get("manifest"));
  }

  engine::SynthRng rng(seed);
  size_t seededTotal = 0;
  for (int i = 0; i < citizens; ++i) {
    engine::SynthCitizen c;
    c.index = i;
    c.asOf = *asOf;
    // Half children/young people (LTT's 5–17), half adults.
    c.cpr = rng.chance(0.4) ? syntheticCpr(rng, *asOf, 6, 17) : syntheticCpr(rng, *asOf, 18, 70);
    const Municipality& m = rng.pick(kMunicipalities);
    c.municipalityCode = m.code;
    c.sor = "4510000" + std::to_string(10000 + (std::stoi(m.code) * 7) % 90000) + "3";  // synthetic, >= 11 digits
    const std::string patientId = util::uuidV5(kNamespace, "patient/" + std::to_string(seed) + "/" + std::to_string(i));
    const std::string orgId = util::uuidV5(kNamespace, std::string("org/") + m.code);
    c.patientRef = "Patient/" + patientId;
    c.organizationRef = "Organization/" + orgId;

    const bool female = c.cpr.gender() == model::Gender::kFemale;
    std::string given = rng.pick(kGiven);
    std::string family = rng.pick(kFamily);
    std::vector<std::string> resources;
    resources.push_back(
        "{\"resourceType\":\"Patient\",\"id\":\"" + patientId +
        "\",\"identifier\":[{\"system\":\"urn:oid:1.2.208.176.1.2\",\"value\":\"" + c.cpr.digits() +
        "\"}],\"active\":true,\"name\":[{\"use\":\"official\",\"family\":" + jsonString(family) + ",\"given\":[" +
        jsonString(given) + "]}],\"gender\":\"" + (female ? "female" : "male") +
        "\",\"managingOrganization\":{\"identifier\":{\"system\":\"urn:oid:1.2.208.176.1.1\",\"value\":\"" + c.sor +
        "\"}}}");
    resources.push_back("{\"resourceType\":\"Organization\",\"id\":\"" + orgId +
                        "\",\"identifier\":[{\"system\":\"http://hl7.dk/fhir/core/CodeSystem/"
                        "dk-core-municipality-codes\",\"value\":\"" +
                        m.code + "\"}],\"name\":" + jsonString(std::string(m.name) + " Kommune") + "}");
    const bool seedOne = rng.chance(mistakes);
    std::vector<engine::SeededMistake> seeded;
    // The mistake goes to one adapter, chosen at random among those taking part.
    const size_t mistakeAdapter = adapters.empty() ? 0 : static_cast<size_t>(rng.uniform(0, static_cast<int>(adapters.size()) - 1));
    for (size_t k = 0; k < adapters.size(); ++k)
      adapters[k]->synthesize(c, rng, seedOne && k == mistakeAdapter, resources, seeded);

    std::string line = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[";
    for (size_t k = 0; k < resources.size(); ++k) {
      rapidjson::Document d;
      d.Parse(resources[k].c_str(), resources[k].size());
      std::string fullUrl;
      if (!d.HasParseError() && d.IsObject() && d.HasMember("id") && d["id"].IsString())
        fullUrl = std::string("urn:uuid:") + d["id"].GetString();
      if (k) line += ",";
      line += "{";
      if (!fullUrl.empty() && util::isValidUtf8(fullUrl) && fullUrl.size() == 45) line += "\"fullUrl\":\"" + fullUrl + "\",";
      line += "\"resource\":" + resources[k] + "}";
    }
    line += "]}\n";
    *out << line;
    for (const auto& s : seeded) {
      ++seededTotal;
      if (manifest)
        *manifest << "{\"registry\":" << jsonString(s.registry) << ",\"rule\":" << jsonString(s.rule)
                  << ",\"forloeb\":" << jsonString(s.forloebKey) << ",\"citizen\":" << i
                  << ",\"description\":" << jsonString(s.description) << "}\n";
    }
  }
  out->flush();
  if (!*out) throw std::runtime_error("write failed");
  std::cerr << citizens << " borgere skrevet, " << seededTotal << " indlagte fejl\n";
  return kExitOk;
}

}  // namespace reghub::cli
