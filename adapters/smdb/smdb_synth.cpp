// `reghub synth` for SMDB: realistic kontaktforløb (anmodning, iværksættelse
// with an 18-IVÆR substance grid, 1-3 tilbudstilknytninger, KvalHep for the
// risk group, afslutning for finished forløb), valid by every rule; with
// seedMistake exactly one rule is broken and recorded. Codes come from the
// field table, so the data follows the mapping files.
#include <algorithm>
#include <functional>

#include "adapters/smdb/rules.h"
#include "adapters/smdb/smdb_adapter.h"
#include "hub/util/hash.h"
#include "hub/util/json_writer.h"

namespace reghub::smdb {

namespace {

using engine::SynthRng;
using model::Date;

std::string jstr(std::string_view s) {
  std::string out;
  util::appendJsonString(out, s);
  return out;
}
std::string vCode(const std::string& c) { return "{\"valueCoding\":{\"code\":\"" + c + "\"}}"; }
std::string vDate(const Date& d) { return "{\"valueDate\":\"" + d.iso() + "\"}"; }
std::string vInt(long n) { return "{\"valueInteger\":" + std::to_string(n) + "}"; }
std::string vBool(bool b) { return std::string("{\"valueBoolean\":") + (b ? "true" : "false") + "}"; }
std::string vText(const std::string& s) { return "{\"valueString\":" + jstr(s) + "}"; }

struct Form {
  std::string id;
  std::string skema;
  std::vector<std::pair<std::string, std::string>> items;  // linkId → answer JSON
  void set(const std::string& var, std::string answer) {
    for (auto& [k, v] : items)
      if (k == var) {
        v = std::move(answer);
        return;
      }
    items.emplace_back(var, std::move(answer));
  }
  void erase(const std::string& var) {
    items.erase(std::remove_if(items.begin(), items.end(), [&](const auto& kv) { return kv.first == var; }), items.end());
  }
  bool has(const std::string& var) const {
    return std::any_of(items.begin(), items.end(), [&](const auto& kv) { return kv.first == var; });
  }
};

struct Tilb {
  Form form;
  Date start;
  std::optional<Date> end;
  std::string type;
};

struct Plan {
  std::string epId;
  std::string basis;
  Date anm;
  std::optional<Date> ivaer;
  int daysToIvaer = 0;
  int ageAtIvaer = 0;
  Form anmForm, ivaerForm;
  std::vector<Tilb> tilb;
  std::optional<Form> kval;
  std::optional<Form> afsl;
  std::optional<Date> afslDate;
  std::vector<std::string> substances;  // keys in the grid
  bool woman = false;
};

const std::string& pickCode(SynthRng& rng, const FieldDef& d, const std::vector<std::string>& except = {}) {
  std::vector<const std::string*> ok;
  for (const auto& c : d.codes)
    if (std::find(except.begin(), except.end(), c) == except.end()) ok.push_back(&c);
  return *ok[static_cast<size_t>(rng.uniform(0, static_cast<int>(ok.size()) - 1))];
}

class Generator {
 public:
  Generator(const FieldTable& t, SynthRng& rng) : t_(t), rng_(rng) {}

  const FieldDef& f(Skema s, const char* var) const { return *t_.find(s, var); }
  std::string code(Skema s, const char* var, const std::vector<std::string>& except = {}) {
    return pickCode(rng_, f(s, var), except);
  }

  std::optional<Plan> plan(const engine::SynthCitizen& c, const std::string& epId) {
    Plan p;
    p.epId = epId;
    p.woman = c.cpr.gender() == model::Gender::kFemale;
    const int age = c.cpr.ageAt(c.asOf);
    if (age < 14) return std::nullopt;
    p.basis = age < 18 ? "BL-33" : (rng_.chance(0.5) ? "SEL-101" : "SUL-142");
    p.anm = c.asOf.plusDays(-rng_.uniform(20, std::min(900, (age - 13) * 365)));
    p.anmForm = {"anm", "ANM", {}};
    p.anmForm.set("BehandlingAnmodningDato", vDate(p.anm));
    p.anmForm.set("BehandlingTidligereKode", vCode(code(Skema::kAnm, "BehandlingTidligereKode")));
    p.anmForm.set("PersonPsykiskFunktionsnedsættelseKode", vCode(code(Skema::kAnm, "PersonPsykiskFunktionsnedsættelseKode")));
    if (p.woman) p.anmForm.set("PersonGravidKode", vCode(code(Skema::kAnm, "PersonGravidKode")));

    const bool finished = rng_.chance(0.5);
    if (!rng_.chance(0.88)) {  // never iværksat
      if (finished) {
        p.afslDate = p.anm.plusDays(rng_.uniform(0, std::max(0, std::min(30, daysBetween(p.anm, c.asOf)))));
        p.afsl = afslutning(*p.afslDate);
      }
      return p;
    }
    p.daysToIvaer = rng_.chance(0.7) ? rng_.uniform(0, 14) : rng_.uniform(15, 40);
    if (p.anm.plusDays(p.daysToIvaer) > c.asOf) p.daysToIvaer = 0;
    p.ivaer = p.anm.plusDays(p.daysToIvaer);
    p.ageAtIvaer = c.cpr.ageAt(*p.ivaer);
    ivaerksaettelse(p);

    // Tilknytninger: the first starts on 1-IVÆR; at most one substitution.
    const int n = rng_.uniform(1, 3);
    const int room = daysBetween(*p.ivaer, c.asOf);
    bool substitutionUsed = false;
    for (int i = 0; i < n; ++i) {
      Tilb tb;
      tb.start = i == 0 ? *p.ivaer : p.ivaer->plusDays(rng_.uniform(0, std::max(0, room / 2)));
      const bool subst = p.basis == "SUL-142" && !substitutionUsed && rng_.chance(0.5);
      substitutionUsed = substitutionUsed || subst;
      tb.type = subst ? rng_.pick(std::vector<std::string>{"01", "07", "08", "05", "03"})
                      : (rng_.chance(0.8) ? "04" : "06");
      const int left = daysBetween(tb.start, c.asOf);
      if (finished || rng_.chance(0.3)) tb.end = tb.start.plusDays(rng_.uniform(0, std::max(0, left)));
      tb.form = {"tilb-" + std::to_string(i + 1), "TILB", {}};
      tb.form.set("TilbudId", vInt(rng_.uniform(10000, 99999)));
      if (rng_.chance(0.3)) tb.form.set("PersonBehandlingFritValgIndikator", vBool(true));
      tb.form.set("TilbudTilknyttetBehandlingStartDato", vDate(tb.start));
      if (tb.end) tb.form.set("TilbudTilknyttetBehandlingSlutDato", vDate(*tb.end));
      tb.form.set("BehandlingIntensitetKode", vCode(code(Skema::kTilb, "BehandlingIntensitetKode")));
      tb.form.set("BehandlingTypeKode", vCode(tb.type));
      if (subst) tb.form.set("AutorisationKodeTekst", vText(autorisation()));
      p.tilb.push_back(std::move(tb));
    }
    if (finished) {
      Date last = p.tilb.front().end.value_or(*p.ivaer);
      for (const Tilb& tb : p.tilb) last = std::max(last, *tb.end);
      p.afslDate = last;
      p.afsl = afslutning(last);
    }
    const auto risky = [&](const char* var) {
      for (const auto& [k, v] : p.ivaerForm.items)
        if (k == var) return v == vCode("03") || v == vCode("04") || v == vCode("05");
      return false;
    };
    if (substitutionUsed || risky("PersonNogensindeInjiceretEllerInjicererForTidenKode") ||
        risky("PersonNogensindeDeltEllerDelerVaerktoejForTidenKode") || rng_.chance(0.15))
      p.kval = kvalhep(p.woman);
    return p;
  }

  std::string autorisation() {
    static const std::string kChars = "ABCDEFGHJKLMNPQRSTUVXYZ0123456789";
    std::string s;
    for (int i = 0; i < 5; ++i) s += kChars[static_cast<size_t>(rng_.uniform(0, static_cast<int>(kChars.size()) - 1))];
    return s;
  }

  Form afslutning(const Date& d) {
    Form a{"afsl", "AFSL", {}};
    a.set("BehandlingAfsluttetDato", vDate(d));
    a.set("BehandlingAfsluttetStatusKode", vCode(code(Skema::kAfsl, "BehandlingAfsluttetStatusKode")));
    const std::string why = code(Skema::kAfsl, "BehandlingAfsluttetAarsagKode");
    a.set("BehandlingAfsluttetAarsagKode", vCode(why));
    if (why == "10") a.set("BehandlingAfsluttetAarsagTekst", vText("Borgeren ønskede selv at stoppe – aftalt med rådgiver"));
    return a;
  }

  Form kvalhep(bool woman) {
    Form k{"kval", "KVALHEP", {}};
    for (const FieldDef& d : t_.fields(Skema::kKvalhep)) {
      if (d.shownIf && !woman) continue;  // 9-/10-KVAL only for women
      if (rng_.chance(0.8)) k.set(d.variable, vCode(pickCode(rng_, d)));
    }
    return k;
  }

  void ivaerksaettelse(Plan& p) {
    Form& f = p.ivaerForm;
    f = {"ivaer", "IVAER", {}};
    f.set("IvaerksatBehandlingDato", vDate(*p.ivaer));
    f.set("OenskerBorgerTilbudLaegesamtaleKode", vCode(code(Skema::kIvaer, "OenskerBorgerTilbudLaegesamtaleKode")));
    if (rng_.chance(0.7)) {
      f.set("LaegesamtaleAfholdtIndikator", vBool(true));
      f.set("LaegesamtaleAfholdtDato", vDate(p.anm.plusDays(rng_.uniform(0, std::min(14, p.daysToIvaer)))));
    } else {
      f.set("LaegesamtaleAfholdtIndikator", vBool(false));
    }
    if (p.daysToIvaer > 14) {
      std::vector<std::string> except = {"07"};
      except.push_back(p.ageAtIvaer >= 18 ? "06" : "05");
      f.set("BehandlingGarantiOverskredetAarsagKode", vCode(code(Skema::kIvaer, "BehandlingGarantiOverskredetAarsagKode", except)));
    }
    const std::string screening = code(Skema::kIvaer, "ScreeningsvaerktoejAnvendtIvaerksaetKode");
    f.set("ScreeningsvaerktoejAnvendtIvaerksaetKode", vCode(screening));
    if (screening == "05") f.set("ScreeningsvaerktoejAnvendtIvaerksaetTekst", vText("Kommunens eget skema"));
    for (const char* var : {"BehandlingFormaalKode", "HenvisningPaaOpfordringAfKode", "PersonHovedindtaegtskildeKode",
                            "PersonSamlivssituationKode", "PersonBoligsituationKode", "PersonImmigrantKode",
                            "PersonGrundskoleuddannelseKode", "PersonNogensindeTestetHCVKode",
                            "PersonNogensindeTestetHIVKode"})
      f.set(var, vCode(code(Skema::kIvaer, var)));
    f.set("PersonStatsborgerskabKode", vCode(rng_.chance(0.85) ? "5100" : "99"));
    const std::string vid = code(Skema::kIvaer, "PersonVideregaaendeUddannelseKode");
    f.set("PersonVideregaaendeUddannelseKode", vCode(vid));
    if (vid != "01" && vid != "99") f.set("PersonUngdomsuddannelseKode", vCode(code(Skema::kIvaer, "PersonUngdomsuddannelseKode")));
    if (rng_.chance(0.8)) f.set("PersonBoernMedKontaktKvantitet", vInt(rng_.uniform(0, 3)));
    else f.set("PersonBoernMedKontaktKvantitetVilIkkeOplyseIndikator", vBool(true));
    f.set("PersonBoernAnbragtUdenforHjemmetKvantitet", vInt(rng_.chance(0.8) ? 0 : 1));
    f.set("PersonStoffriSenesteMaanedIndikator", vBool(rng_.chance(0.1)));

    // 18-IVÆR: 1-3 substances (never the ordinerede ones here).
    std::vector<std::string> pool;
    for (const std::string& s : t_.substances())
      if (s.rfind("Ordineret", 0) != 0) pool.push_back(s);
    const int n = rng_.uniform(1, 3);
    for (int i = 0; i < n; ++i) {
      const std::string s = rng_.pick(pool);
      if (std::find(p.substances.begin(), p.substances.end(), s) != p.substances.end()) continue;
      p.substances.push_back(s);
      const int days = rng_.uniform(0, 30);
      f.set(s + "DageIndtagetSenesteMaanedKvantitet", vInt(days));
      if (rng_.chance(0.9)) f.set(s + "FoersteBrugAlderKvantitet", vInt(rng_.uniform(std::min(12, p.ageAtIvaer), p.ageAtIvaer)));
      else f.set(s + "FoersteBrugAlderVilIkkeOplyseIndikator", vBool(true));
      f.set(s + "IndtagelseshyppighedKode", vCode(pickCode(rng_, *t_.find(Skema::kIvaer, s + "IndtagelseshyppighedKode"))));
      f.set(s + "TypiskIndtagelsesmaadeKode", vCode(pickCode(rng_, *t_.find(Skema::kIvaer, s + "TypiskIndtagelsesmaadeKode"))));
      if (s == "AndreStoffer") f.set("KommentarOmkringAndreStoffer", vText("Svampe & <lattergas>"));
    }
    if (rng_.chance(0.9)) f.set("PersonAktueltHovedstofKode", vCode(code(Skema::kIvaer, "PersonAktueltHovedstofKode")));
    else f.set("PersonHovedstofAngivelseIkkeMuligIndikator", vBool(true));

    const std::string inj = rng_.chance(0.7) ? "01" : code(Skema::kIvaer, "PersonNogensindeInjiceretEllerInjicererForTidenKode", {"01"});
    f.set("PersonNogensindeInjiceretEllerInjicererForTidenKode", vCode(inj));
    if (inj != "01") {
      const bool affirmative = inj == "03" || inj == "04" || inj == "05";
      f.set("PersonFoersteInjektionAlderKode",
            vCode(code(Skema::kIvaer, "PersonFoersteInjektionAlderKode", affirmative ? std::vector<std::string>{"08"} : std::vector<std::string>{})));
    }
    f.set("PersonNogensindeDeltEllerDelerVaerktoejForTidenKode",
          vCode(rng_.chance(0.8) ? "01" : code(Skema::kIvaer, "PersonNogensindeDeltEllerDelerVaerktoejForTidenKode")));
    const std::string sub = code(Skema::kIvaer, "PersonNogensindeSubstitutionsbehandlingKode");
    f.set("PersonNogensindeSubstitutionsbehandlingKode", vCode(sub));
    if (sub == "02") f.set("PersonFoersteSubstitutionsbehandlingAlderKvantitet", vInt(rng_.uniform(std::min(14, p.ageAtIvaer), p.ageAtIvaer)));
  }

 private:
  const FieldTable& t_;
  SynthRng& rng_;
};

std::string qr(const engine::SynthCitizen& c, const std::string& epId, const Form& f, const std::string& prefix) {
  const std::string id = util::uuidV5("0c6f0a4e-2f1b-4f39-9d49-5c2f3c1a7e11", prefix + "/" + epId + "/" + f.id);
  std::string s = "{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"" + id + "\",\"identifier\":{\"value\":" +
                  jstr(epId + "-" + f.id) + "},\"questionnaire\":\"urn:reghub:smdb:" + f.skema +
                  "\",\"status\":\"completed\",\"subject\":{\"reference\":\"" + c.patientRef +
                  "\"},\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare\","
                  "\"valueReference\":{\"reference\":\"EpisodeOfCare/" + epId + "\"}}],\"item\":[";
  for (size_t i = 0; i < f.items.size(); ++i) {
    if (i) s += ",";
    s += "{\"linkId\":" + jstr(f.items[i].first) + ",\"answer\":[" + f.items[i].second + "]}";
  }
  return s + "]}";
}

void emit(const engine::SynthCitizen& c, const Plan& p, std::vector<std::string>& resources, const std::string& prefix,
          const std::vector<Form>& extra) {
  resources.push_back("{\"resourceType\":\"EpisodeOfCare\",\"id\":\"" + p.epId + "\",\"identifier\":[{\"value\":\"" +
                      p.epId + "\"}],\"status\":\"" + (p.afsl ? "finished" : "active") +
                      "\",\"type\":[{\"coding\":[{\"system\":\"urn:reghub:legal-basis\",\"code\":\"" + p.basis +
                      "\"}]}],\"patient\":{\"reference\":\"" + c.patientRef +
                      "\"},\"managingOrganization\":{\"reference\":\"" + c.organizationRef + "\"}}");
  resources.push_back(qr(c, p.epId, p.anmForm, prefix));
  if (p.ivaer) resources.push_back(qr(c, p.epId, p.ivaerForm, prefix));
  for (const Tilb& t : p.tilb) resources.push_back(qr(c, p.epId, t.form, prefix));
  if (p.kval) resources.push_back(qr(c, p.epId, *p.kval, prefix));
  if (p.afsl) resources.push_back(qr(c, p.epId, *p.afsl, prefix));
  for (const Form& f : extra) resources.push_back(qr(c, p.epId, f, prefix));
}

}  // namespace

void SmdbAdapter::synthesize(const engine::SynthCitizen& c, engine::SynthRng& rng, bool seedMistake,
                             std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) const {
  if (!seedMistake && !rng.chance(0.7)) return;
  Generator g(*table_, rng);
  const std::string prefix = c.patientRef;
  const std::string epId = util::uuidV5("0c6f0a4e-2f1b-4f39-9d49-5c2f3c1a7e11", prefix + "/smdb-forloeb");
  auto plan = g.plan(c, epId);
  if (!plan) return;
  Plan& p = *plan;
  std::vector<Form> extra;
  std::vector<Plan> others;

  if (seedMistake) {
    struct Seed {
      const char* rule;
      const char* what;
      std::function<bool()> applies;
      std::function<void()> apply;
    };
    const bool iv = p.ivaer.has_value();
    const auto subst = [&]() -> Tilb* {
      for (Tilb& t : p.tilb)
        if (isSubstitution(t.type)) return &t;
      return nullptr;
    };
    const auto firstSubstanceWith = [&](const std::string& item) -> std::string {
      for (const std::string& s : p.substances)
        if (p.ivaerForm.has(s + item)) return s;
      return {};
    };
    const auto kvalNeeded = [&] {
      for (const auto& [k, v] : p.ivaerForm.items)
        if ((k == "PersonNogensindeInjiceretEllerInjicererForTidenKode" || k == "PersonNogensindeDeltEllerDelerVaerktoejForTidenKode") &&
            (v == vCode("03") || v == vCode("04") || v == vCode("05")))
          return true;
      return subst() != nullptr;
    };
    const Date asOf = c.asOf;
    std::vector<Seed> seeds = {
        {"SMDB-GEN-06", "7-IVÆR har en kode uden for listen", [&] { return iv; },
         [&] { p.ivaerForm.set("PersonHovedindtaegtskildeKode", vCode("77")); }},
        {"SMDB-GEN-08", "15-IVÆR over 99", [&] { return iv; },
         [&] {
           p.ivaerForm.erase("PersonBoernMedKontaktKvantitetVilIkkeOplyseIndikator");
           p.ivaerForm.set("PersonBoernMedKontaktKvantitet", vInt(120));
         }},
        {"SMDB-GEN-07", "afslutningstekst på 401 tegn", [&] { return p.afsl.has_value(); },
         [&] {
           p.afsl->set("BehandlingAfsluttetAarsagKode", vCode("10"));
           std::string s;
           for (int i = 0; i < 401; ++i) s += "æ";
           p.afsl->set("BehandlingAfsluttetAarsagTekst", vText(s));
         }},
        {"SMDB-GEN-05", "autorisationsID på 4 tegn", [&] { return subst() != nullptr; },
         [&] { subst()->form.set("AutorisationKodeTekst", vText("AB12")); }},
        {"SMDB-ANM-02", "kvinde uden svar om graviditet", [&] { return p.woman; },
         [&] { p.anmForm.erase("PersonGravidKode"); }},
        {"SMDB-ANM-03", "mand med svar om graviditet", [&] { return !p.woman; },
         [&] { p.anmForm.set("PersonGravidKode", vCode("02")); }},
        {"SMDB-IVAER-01", "to iværksættelser", [&] { return iv; },
         [&] {
           Form dup = p.ivaerForm;
           dup.id = "ivaer-2";
           extra.push_back(dup);
         }},
        {"SMDB-IVAER-07", "årsag til garantioverskridelse ved højst 14 dage",
         [&] { return iv && p.daysToIvaer <= 14; },
         [&] { p.ivaerForm.set("BehandlingGarantiOverskredetAarsagKode", vCode("01")); }},
        {"SMDB-IVAER-10", "årsag Andet uden tekst", [&] { return iv && p.daysToIvaer > 14; },
         [&] { p.ivaerForm.set("BehandlingGarantiOverskredetAarsagKode", vCode("07")); }},
        {"SMDB-IVAER-11", "grundskoleuddannelse mangler", [&] { return iv; },
         [&] { p.ivaerForm.erase("PersonGrundskoleuddannelseKode"); }},
        {"SMDB-IVAER-13", "alder ved førstegangsbrug over alderen",
         [&] { return iv && !firstSubstanceWith("FoersteBrugAlderKvantitet").empty() && p.ageAtIvaer < 99; },
         [&] { p.ivaerForm.set(firstSubstanceWith("FoersteBrugAlderKvantitet") + "FoersteBrugAlderKvantitet", vInt(p.ageAtIvaer + 1)); }},
        {"SMDB-IVAER-14", "stof uden indtagelseshyppighed", [&] { return iv && !p.substances.empty(); },
         [&] { p.ivaerForm.erase(p.substances.front() + "IndtagelseshyppighedKode"); }},
        {"SMDB-IVAER-15", "alkohol injiceret",
         [&] { return iv && std::find(p.substances.begin(), p.substances.end(), "Alkohol") != p.substances.end(); },
         [&] { p.ivaerForm.set("AlkoholTypiskIndtagelsesmaadeKode", vCode("01")); }},
        {"SMDB-IVAER-18", "hovedstof mangler",
         [&] { return iv && p.ivaerForm.has("PersonAktueltHovedstofKode"); },
         [&] { p.ivaerForm.erase("PersonAktueltHovedstofKode"); }},
        {"SMDB-IVAER-22", "HCV-test ikke besvaret", [&] { return iv; },
         [&] { p.ivaerForm.erase("PersonNogensindeTestetHCVKode"); }},
        {"SMDB-IVAER-23", "substitutionsbehandling uden alder", [&] { return iv; },
         [&] {
           p.ivaerForm.set("PersonNogensindeSubstitutionsbehandlingKode", vCode("02"));
           p.ivaerForm.erase("PersonFoersteSubstitutionsbehandlingAlderKvantitet");
         }},
        {"SMDB-IVAER-28", "ordineret stof som hovedstof",
         [&] { return iv && p.ivaerForm.has("PersonAktueltHovedstofKode"); },
         [&] { p.ivaerForm.set("PersonAktueltHovedstofKode", vCode("01")); }},
        {"SMDB-TILB-12", "substitution uden autorisationsID", [&] { return subst() != nullptr; },
         [&] { subst()->form.erase("AutorisationKodeTekst"); }},
        {"SMDB-TILB-11", "to samtidige substitutionstilknytninger", [&] { return subst() != nullptr; },
         [&] {
           Tilb t = *subst();
           t.form.id = "tilb-9";
           t.form.set("BehandlingTypeKode", vCode(t.type == "01" ? "07" : "01"));
           t.type = t.type == "01" ? "07" : "01";
           p.tilb.push_back(t);
         }},
        {"SMDB-TILB-13", "TilbudId 0", [&] { return !p.tilb.empty(); },
         [&] { p.tilb.back().form.set("TilbudId", vInt(0)); }},
        {"SMDB-AFSL-01", "to afslutninger", [&] { return p.afsl.has_value(); },
         [&] {
           Form dup = *p.afsl;
           dup.id = "afsl-2";
           extra.push_back(dup);
         }},
        {"SMDB-AFSL-06", "afslutning efter seneste tilbudsslutdato",
         [&] { return p.afsl && !p.tilb.empty() && *p.afslDate < asOf; },
         [&] { p.afsl->set("BehandlingAfsluttetDato", vDate(p.afslDate->plusDays(1))); }},
        {"SMDB-KVAL-02", "to KvalHep-skemaer", [&] { return p.kval.has_value(); },
         [&] {
           Form dup = *p.kval;
           dup.id = "kval-2";
           extra.push_back(dup);
         }},
        {"SMDB-KVAL-03", "risikogruppe uden KvalHep", [&] { return p.kval.has_value() && kvalNeeded(); },
         [&] { p.kval.reset(); }},
        {"SMDB-KVAL-04", "prævention for en mand", [&] { return p.kval.has_value() && !p.woman; },
         [&] { p.kval->set("BehandlingModtagetAntikonceptionRaadgivetKode", vCode("01")); }},
        {"SMDB-IVAER-05", "sen lægesamtale uden årsag", [&] { return iv && p.daysToIvaer >= 15; },
         [&] {
           p.ivaerForm.set("LaegesamtaleAfholdtIndikator", vBool(true));
           p.ivaerForm.set("LaegesamtaleAfholdtDato", vDate(p.anm.plusDays(15)));
         }},
        {"SMDB-IVAER-20", "injektion uoplyst uden alder ved første injektion", [&] { return iv; },
         [&] {
           p.ivaerForm.set("PersonNogensindeInjiceretEllerInjicererForTidenKode", vCode("06"));
           p.ivaerForm.erase("PersonFoersteInjektionAlderKode");
         }},
        {"SMDB-GEN-01", "anmodningsdato i fremtiden", [&] { return !iv && !p.afsl; },
         [&] { p.anmForm.set("BehandlingAnmodningDato", vDate(asOf.plusDays(3))); }},
        {"SMDB-GEN-10", "statsborgerskab med 3 cifre", [&] { return iv; },
         [&] { p.ivaerForm.set("PersonStatsborgerskabKode", vCode("510")); }},
        {"SMDB-GEN-11", "lægesamtale før anmodningsdatoen",
         [&] { return iv && p.ivaerForm.has("LaegesamtaleAfholdtDato"); },
         [&] { p.ivaerForm.set("LaegesamtaleAfholdtDato", vDate(p.anm.plusDays(-1))); }},
        {"SMDB-GEN-17", "afkrydsning sendt som tekst", [&] { return iv; },
         [&] { p.ivaerForm.set("PersonStoffriSenesteMaanedIndikator", vText("ja")); }},
        {"SMDB-IVAER-06", "lægesamtale-årsag Anden uden tekst", [&] { return iv && p.daysToIvaer >= 15; },
         [&] {
           p.ivaerForm.set("LaegesamtaleAfholdtIndikator", vBool(true));
           p.ivaerForm.set("LaegesamtaleAfholdtDato", vDate(p.anm.plusDays(15)));
           p.ivaerForm.set("LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetKode", vCode("06"));
         }},
        {"SMDB-IVAER-08", "Frit valg for en under 18", [&] { return iv && p.daysToIvaer > 14 && p.ageAtIvaer < 18; },
         [&] { p.ivaerForm.set("BehandlingGarantiOverskredetAarsagKode", vCode("05")); }},
        {"SMDB-IVAER-09", "Samtykkeerklæring for en voksen", [&] { return iv && p.daysToIvaer > 14 && p.ageAtIvaer >= 18; },
         [&] { p.ivaerForm.set("BehandlingGarantiOverskredetAarsagKode", vCode("06")); }},
        {"SMDB-IVAER-12", "videregående uddannelse uden ungdomsuddannelse", [&] { return iv; },
         [&] {
           p.ivaerForm.set("PersonVideregaaendeUddannelseKode", vCode("06"));
           p.ivaerForm.erase("PersonUngdomsuddannelseKode");
         }},
        {"SMDB-IVAER-16", "andre stoffer uden kommentar",
         [&] { return iv && p.ageAtIvaer >= 12 && std::find(p.substances.begin(), p.substances.end(), "AndreStoffer") == p.substances.end(); },
         [&] {
           p.ivaerForm.set("AndreStofferDageIndtagetSenesteMaanedKvantitet", vInt(4));
           p.ivaerForm.set("AndreStofferFoersteBrugAlderKvantitet", vInt(12));
           p.ivaerForm.set("AndreStofferIndtagelseshyppighedKode", vCode("04"));
           p.ivaerForm.set("AndreStofferTypiskIndtagelsesmaadeKode", vCode("03"));
         }},
        {"SMDB-IVAER-19", "deling af værktøj ikke besvaret", [&] { return iv; },
         [&] { p.ivaerForm.erase("PersonNogensindeDeltEllerDelerVaerktoejForTidenKode"); }},
        {"SMDB-IVAER-21", "har injiceret, men alder ved første injektion 'aldrig'", [&] { return iv && p.kval.has_value(); },
         [&] {
           p.ivaerForm.set("PersonNogensindeInjiceretEllerInjicererForTidenKode", vCode("03"));
           p.ivaerForm.set("PersonFoersteInjektionAlderKode", vCode("08"));
         }},
        {"SMDB-TILB-03", "ingen tilknytning starter på iværksættelsesdatoen",
         [&] {
           return p.tilb.size() == 1 && p.tilb[0].start.plusDays(1) <= asOf &&
                  (!p.tilb[0].end || *p.tilb[0].end > p.tilb[0].start);
         },
         [&] { p.tilb[0].form.set("TilbudTilknyttetBehandlingStartDato", vDate(p.tilb[0].start.plusDays(1))); }},
        {"SMDB-TILB-05", "tilbudsslutdato uden startdato", [&] { return iv && !p.tilb.empty(); },
         [&] {
           Tilb t;
           t.form = {"tilb-8", "TILB", {}};
           t.form.set("TilbudId", vInt(12345));
           t.form.set("TilbudTilknyttetBehandlingSlutDato", vDate(*p.ivaer));
           t.form.set("BehandlingTypeKode", vCode("04"));
           t.start = *p.ivaer;
           t.type = "04";
           extra.push_back(t.form);
         }},
        {"SMDB-KVAL-01", "KvalHep uden tilbudstilknytning", [&] { return p.kval.has_value(); },
         [&] { p.tilb.clear(); }},
        {"SMDB-ANM-01", "ny anmodning mens forløbet er åbent",
         [&] { return (!p.afslDate || *p.afslDate > p.anm.plusDays(1)) && p.anm.plusDays(1) <= asOf; },
         [&] {
           Plan second;
           second.epId = epId + "-2";
           second.basis = p.basis;
           second.anm = p.anm.plusDays(1);
           second.anmForm = {"anm", "ANM", {}};
           second.anmForm.set("BehandlingAnmodningDato", vDate(second.anm));
           if (p.woman) second.anmForm.set("PersonGravidKode", vCode("02"));
           others.push_back(second);
         }},
    };
    std::vector<const Seed*> applicable;
    for (const Seed& s : seeds)
      if (s.applies()) applicable.push_back(&s);
    const Seed& s = *applicable[static_cast<size_t>(rng.uniform(0, static_cast<int>(applicable.size()) - 1))];
    s.apply();
    const std::string where = std::string(s.rule) == "SMDB-ANM-01" ? epId + "-2" : epId;
    seeded.push_back({"smdb", s.rule, "EpisodeOfCare/" + where, s.what});
  }
  emit(c, p, resources, prefix, extra);
  for (const Plan& o : others) emit(c, o, resources, prefix, {});
}

}  // namespace reghub::smdb
