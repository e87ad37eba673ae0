// Per-field and cross-field rules: driven by the field table, so a rule
// that the spec states as a table condition needs no code here.
#include <unicode/unistr.h>

#include <algorithm>
#include <optional>
#include <regex>

#include "adapters/smdb/rules.h"

namespace reghub::smdb {

namespace {

using diag::Severity;

// Retired skemaer (INDS/YDEL/UDSK) are voluntary and not validated by SMDB
// from 2024-01-01: their findings are warnings then (SMDB-SCOPE-11).
struct Out {
  diag::Reporter r;
  bool soften = false;
  void report(Severity s, const std::string& rule, const std::string& field, const std::string& msg) const {
    r.report(soften && s == Severity::kError ? Severity::kWarning : s, rule, field, msg);
  }
};

long charCount(const std::string& s) {
  // ICU counts code points: "æ" is one character (GEN-07).
  return icu::UnicodeString::fromUTF8(s).countChar32();
}

std::string codesText(const FieldDef& d) {
  std::string s;
  for (const std::string& c : d.codes) {
    if (!s.empty()) s += ", ";
    s += c;
    if (const auto it = d.codeLabels.find(c); it != d.codeLabels.end() && !it->second.empty())
      s += " (" + it->second + ")";
  }
  return s;
}

std::string typeRule(const FieldDef& d) {
  if (!d.codes.empty() || !d.codeSourcePattern.empty()) return "SMDB-GEN-06";
  switch (d.type) {
    case DataType::kInteger: return d.pattern.empty() ? "SMDB-GEN-08" : "SMDB-GEN-09";
    case DataType::kBoolean: return "SMDB-GEN-17";
    case DataType::kDatetime: return "SMDB-GEN-01";
    case DataType::kString: return "SMDB-GEN-07";
  }
  return "SMDB-GEN-06";
}

std::string ruleOr(const std::map<std::string, std::string>& m, const std::string& var, const char* fallback) {
  const auto it = m.find(var);
  return it == m.end() ? fallback : it->second;
}

bool retiredSoftened(Skema s, const SkemaForm& f, const FieldTable& t) {
  if (!isRetired(s)) return false;
  const char* anchor = s == Skema::kInds ? "IndskrivningDato" : s == Skema::kYdel ? "YdelseStartDato" : "UdskrivningDato";
  const auto d = f.date(anchor);
  return d && *d >= t.voluntaryFrom();
}

void checkValue(const ForloebView& v, const SkemaForm& f, const FieldValue& val, const RuleContext& ctx,
                const Lookup& lookup, const Out& out, bool& reportedOldCodes) {
  const FieldDef& d = *val.def;
  const RuleMap& rm = ctx.table.rules();
  // The reporter at the answer is made only for a finding (most answers have none).
  const auto at = [&] { return Out{atForm(out.r, *f.form, val.answer), out.soften}; };
  const auto field = [&d] { return d.diagField(); };

  if (d.hubComputed) {
    // Computed by the hub (GEN-12): a differing value from the sender is not used.
    if (const auto it = v.computed.find(d.variable); it != v.computed.end() && it->second.text != val.text)
      at().report(Severity::kWarning, "SMDB-GEN-12", field(),
                d.display() + " udfyldes automatisk af hubben; den indsendte værdi afviger og bruges ikke. "
                              "Udelad feltet.");
    if (d.variable == "PersonIdentifikator" && v.citizen->cpr && val.text != v.citizen->cpr->digits())
      at().report(Severity::kWarning, "SMDB-GEN-12", field(),
                "CPR-nummeret i skemaet (" + model::maskCpr(val.text) +
                    ") er ikke borgerens; hubben sender borgerens CPR fra Patient. Udelad feltet.");
    return;
  }

  if (d.shownIf && val.filled() && !evaluate(*d.shownIf, lookup)) {
    const Severity s = rm.hiddenError.count(d.variable) ? Severity::kError : ctx.settings.hiddenField;
    std::string msg = d.display() + " må ikke udfyldes her " +
                      (d.shownIfText.empty() ? std::string() : d.shownIfText + " ") +
                      "– feltet vises ikke i skemaet og sendes ikke. Fjern svaret eller ret det felt, det afhænger af.";
    if (d.variable == "BehandlingGarantiOverskredetAarsagKode")
      msg = d.display() + " (årsag til overskridelse af behandlingsgarantien) må kun besvares, når der er mere end 14 "
                          "dage fra anmodningsdato [2-ANM] til dato for iværksat behandling [1-IVÆR]. Fjern svaret.";
    at().report(s, ruleOr(rm.hidden, d.variable, "SMDB-GEN-13"), field(), msg);
    return;
  }

  if (!d.codes.empty()) {
    if (v.oldSkemaer && d.dateControlledOldCodes) {
      if (!reportedOldCodes)
        at().report(Severity::kInfo, "SMDB-DATE-05", field(),
                  d.display() + ": anmodningsdato før 1.7.2019 – de gamle svarmuligheder står ikke i "
                                "Kravspecifikationen (Skemaoversigt og Kodelister) og kontrolleres ikke her.");
      reportedOldCodes = true;
      return;
    }
    const bool listed = std::find(d.codes.begin(), d.codes.end(), val.text) != d.codes.end();
    const bool fromSource = !listed && !d.codeSourcePattern.empty() && d.codeSourceRe &&
                            std::regex_match(val.text, *d.codeSourceRe) &&
                            (!ctx.landeKoder || ctx.landeKoder->count(val.text));  // HentLandeliste, when read
    if (!listed && !fromSource) {
      std::string rule = ruleOr(rm.code, d.variable, "SMDB-GEN-06");
      if (d.gridItem == "TypiskIndtagelsesmaadeKode" &&
          std::find(rm.intakeModeCodes.begin(), rm.intakeModeCodes.end(), val.text) != rm.intakeModeCodes.end())
        rule = "SMDB-IVAER-15";
      std::string msg = d.display() + " (" + d.label + "): '" + val.text + "' er ikke en gyldig kode";
      if (rule == "SMDB-IVAER-15")
        msg = d.display() + ": indtagelsesmåden '" + val.text + "' er ikke tilladt for " + d.substance +
              " (6.1.3 c). Vælg en af: " + codesText(d) + ".";
      else if (rule == "SMDB-GEN-10")
        msg += "; brug en 4-cifret landekode fra CPR (HentLandeliste) eller 99 (Uoplyst).";
      else
        msg += "; brug en af: " + codesText(d) + " (koden, ikke valgmulighedens nummer).";
      at().report(Severity::kError, rule, field(), msg);
      return;
    }
    for (const CodeCondition& cc : d.codeConditions)
      if (cc.code == val.text && !evaluate(cc.allowedIf, lookup)) {
        std::string msg = d.display() + ": svaret '" + val.text + "'";
        if (const auto it = d.codeLabels.find(val.text); it != d.codeLabels.end()) msg += " (" + it->second + ")";
        if (cc.rule == "SMDB-IVAER-08")
          msg += " kan kun vælges, når borgeren er fyldt 18 år på dato for iværksat behandling [3-IVÆR].";
        else if (cc.rule == "SMDB-IVAER-09")
          msg += " kan kun vælges, når borgeren er under 18 år på dato for iværksat behandling [3-IVÆR].";
        else if (cc.rule == "SMDB-IVAER-21")
          msg += " passer ikke med, at borgeren har injiceret [32-IVÆR]. Angiv alder ved første injektion.";
        else
          msg += " er ikke tilladt i denne sammenhæng.";
        at().report(Severity::kError, cc.rule, field(), msg);
      }
    return;
  }
  if (!d.codeSourcePattern.empty()) return;

  switch (d.type) {
    case DataType::kInteger:
      if (val.integer) {
        if ((d.rangeMin && *val.integer < *d.rangeMin) || (d.rangeMax && *val.integer > *d.rangeMax)) {
          at().report(Severity::kError, "SMDB-GEN-08", field(),
                    d.display() + " (" + d.label + "): " + val.text + " ligger uden for " +
                        std::to_string(d.rangeMin.value_or(0)) + "-" + std::to_string(d.rangeMax.value_or(0)) + ".");
          return;
        }
        if (!d.rangeMaxRef.empty())
          if (const FieldValue* ref = lookup(d.rangeMaxRef); ref && ref->integer && *val.integer > *ref->integer)
            at().report(Severity::kError, "SMDB-IVAER-13", field(),
                      d.display() + " (" + d.label + "): alderen " + val.text +
                          " er højere end borgerens alder på dato for iværksat behandling [3-IVÆR] (" + ref->text +
                          "). Ret alderen ved førstegangsbrug.");
      } else if (d.patternRe && !std::regex_match(val.text, *d.patternRe)) {
        at().report(Severity::kError, "SMDB-GEN-09", field(), d.display() + ": '" + val.text + "' er ikke 3 cifre.");
      }
      return;
    case DataType::kDatetime: {
      if (!val.date) return;
      if (d.dateMaxToday && *val.date > ctx.asOf) {
        at().report(Severity::kError, "SMDB-GEN-01", field(),
                  d.display() + " (" + d.label + "): " + val.text + " ligger efter dags dato (" + ctx.asOf.iso() +
                      "); datoer i fremtiden kan ikke registreres.");
        return;
      }
      if (!d.dateMinRef.empty())
        if (const FieldValue* ref = lookup(d.dateMinRef); ref && ref->date && *val.date < *ref->date) {
          std::string refName = ref->def ? ref->def->display() : d.dateMinRef;
          at().report(Severity::kError, ruleOr(rm.dateMin, d.variable, "SMDB-GEN-11"), field(),
                    d.display() + " (" + d.label + "): " + val.text + " ligger før " + refName + " (" + ref->text +
                        "). Datoen skal være samme dag eller senere.");
        }
      return;
    }
    case DataType::kString:
      if (d.maxLength && charCount(val.text) > *d.maxLength)
        at().report(Severity::kError, "SMDB-GEN-07", field(),
                  d.display() + ": teksten er " + std::to_string(charCount(val.text)) + " tegn; højst " +
                      std::to_string(*d.maxLength) + " tegn er tilladt. Forkort teksten.");
      if (d.exactLength && charCount(val.text) != *d.exactLength)
        at().report(Severity::kError, "SMDB-GEN-05", field(),
                  d.display() + " (" + d.label + "): '" + val.text + "' er ikke et gyldigt " +
                      std::to_string(*d.exactLength) + "-cifret autorisationsID (Autorisationsregistret).");
      return;
    case DataType::kBoolean:
      return;
  }
}

void checkRequired(const SkemaForm& f, const RuleContext& ctx, const Lookup& lookup, const Out& out) {
  const RuleMap& rm = ctx.table.rules();
  // The reporter at the form is made only for a finding.
  std::optional<Out> formOut;
  const auto at = [&]() -> const Out& {
    if (!formOut) formOut = Out{atForm(out.r, *f.form), out.soften};
    return *formOut;
  };
  std::set<std::string> substancesReported;
  for (const FieldDef& d : ctx.table.fields(f.skema)) {
    if (d.hubComputed) continue;
    const FieldValue* val = f.get(d);
    if (val && val->filled()) continue;
    if (std::any_of(f.typeProblems.begin(), f.typeProblems.end(), [&](const TypeProblem& p) { return p.def == &d; }))
      continue;  // already reported as the wrong type
    const auto field = [&d] { return d.diagField(); };
    if (d.required == "yes") {
      at().report(Severity::kError, ruleOr(rm.required, d.variable, "SMDB-GEN-03"), field(),
                d.display() + " (" + d.label + ") skal besvares. Tilføj et svar (item.linkId '" + d.variable + "').");
      continue;
    }
    if (d.required == "implied") {
      at().report(Severity::kError, ruleOr(rm.implied, d.variable, "SMDB-GEN-03"), field(),
                d.display() + " (" + d.label + ") mangler; skemaet kan ikke indberettes uden. Tilføj item.linkId '" +
                    d.variable + "'.");
      continue;
    }
    if (!d.requiredIf || !evaluate(*d.requiredIf, lookup)) continue;
    if (d.requiredIfRule == "SMDB-IVAER-12" && !ctx.settings.andenUddannelseIsAffirmative &&
        f.code("PersonVideregaaendeUddannelseKode") == "05")
      continue;
    if (d.requiredIfRule == "SMDB-IVAER-14") {
      if (!substancesReported.insert(d.substanceKey).second) continue;
      std::string missing;
      for (const FieldDef& g : ctx.table.fields(f.skema)) {
        if (g.substanceKey != d.substanceKey || !g.requiredIf || !evaluate(*g.requiredIf, lookup)) continue;
        const FieldValue* gv = f.get(g.variable);
        if (gv && gv->filled()) continue;
        if (g.gridItem == "FoersteBrugAlderVilIkkeOplyseIndikator") continue;  // named with the age
        missing += (missing.empty() ? "" : ", ") + g.label;
        if (g.gridItem == "FoersteBrugAlderKvantitet") missing += " (eller 'Alder uoplyst')";
      }
      at().report(Severity::kError, "SMDB-IVAER-14", field(),
                "[18-IVÆR] " + d.substance + ": når ét felt for et stof er udfyldt, skal alle udfyldes. Mangler: " +
                    missing + ".");
      continue;
    }
    std::string why;
    if (d.requiredIfRule == "SMDB-TILB-06")
      why = " – der findes en dato for afsluttet behandling [1-AFSL] for forløbet. Angiv tilbudsslutdato.";
    at().report(Severity::kError, d.requiredIfRule, field(),
              d.display() + " (" + d.label + ") skal besvares her" +
                  (why.empty() ? std::string(". Tilføj et svar (item.linkId '") + d.variable + "')." : why));
  }
}

}  // namespace

diag::Reporter atForm(const diag::Reporter& out, const model::FormResponse& form, const model::Answer* answer) {
  diag::Reporter r = out.withFile(form.source.file, form.source.line)
                         .withPath(form.source.reference.empty() ? "QuestionnaireResponse/" + form.resourceId
                                                                 : form.source.reference);
  return answer ? r.at("." + answer->path) : r;
}

bool isSubstitution(const std::string& t) { return t == "01" || t == "07" || t == "08" || t == "05" || t == "03"; }

void checkFields(const ForloebView& v, const RuleContext& ctx, const diag::Reporter& out) {
  const RuleMap& rm = ctx.table.rules();
  for (int k = 0; k < kSkemaCount; ++k) {
    for (const SkemaForm& f : v.forms[k]) {
      const Out o{out, retiredSoftened(f.skema, f, ctx.table)};
      for (const model::Answer* a : f.unknown) {
        const Out at{atForm(out, *f.form, a), false};
        if (v.oldSkemaer)
          at.report(Severity::kInfo, "SMDB-DATE-01", "",
                    "'" + a->linkId + "' er ikke et felt i de sanerede skemaer; forløbet er fra før 1.7.2019, hvor de "
                    "gamle skemaer gælder – feltet kontrolleres og sendes ikke.");
        else
          at.report(Severity::kWarning, "SMDB-DATE-07", "",
                    "'" + a->linkId + "' er ikke et felt i skemaet " + std::string(skemaName(f.skema)) +
                        " (ukendt, eller udgået ved saneringen 1.7.2019). Ret linkId til Variabelnavnet i "
                        "Kravspecifikationen; feltet sendes ikke.");
      }
      for (const model::Answer* a : f.duplicates)
        Out{atForm(out, *f.form, a), o.soften}.report(Severity::kError, "SMDB-GEN-03", "",
                                                     "'" + a->linkId + "' er besvaret mere end én gang i samme skema. "
                                                     "Behold ét svar.");
      for (const TypeProblem& p : f.typeProblems)
        Out{atForm(out, *f.form, p.answer), o.soften}.report(Severity::kError, typeRule(*p.def), p.def->diagField(),
                                                            p.def->display() + " " + p.message + ".");
      bool reportedOldCodes = false;
      const Lookup lookup{v, &f};
      for (const auto& [var, val] : f.values) checkValue(v, f, val, ctx, lookup, o, reportedOldCodes);
      checkRequired(f, ctx, lookup, o);

      if (f.skema == Skema::kIvaer && ctx.settings.garantiReasonMissing) {
        const auto it = v.computed.find("IvaerksatBehandlingDageSidenAnmodningKvantitet");
        const FieldValue* reason = f.get("BehandlingGarantiOverskredetAarsagKode");
        if (it != v.computed.end() && it->second.integer && *it->second.integer > 14 && !reason &&
            !std::any_of(f.typeProblems.begin(), f.typeProblems.end(),
                         [](const TypeProblem& p) { return p.def->variable == "BehandlingGarantiOverskredetAarsagKode"; }))
          atForm(out, *f.form)
              .report(*ctx.settings.garantiReasonMissing, "SMDB-IVAER-07", "4-IVÆR",
                      "[4-IVÆR] Der er " + it->second.text +
                          " dage fra anmodningsdato [2-ANM] til iværksat behandling [1-IVÆR] (behandlingsgarantien er "
                          "14 dage). Angiv årsagen til overskridelsen.");
      }
      if (f.skema == Skema::kTilb) {
        const std::string type = f.code("BehandlingTypeKode");
        if (ctx.settings.autorisationRequired && isSubstitution(type) && !f.get("AutorisationKodeTekst"))
          atForm(out, *f.form)
              .error("SMDB-TILB-12", "9-TILB",
                     "[9-TILB] AutorisationsID for den ordinerende læge skal udfyldes ved substitutionsbehandling "
                     "(behandlingstype [8-TILB] = " + type + ").");
        if (const FieldValue* id = f.get("TilbudId")) {
          const bool positive = id->integer && *id->integer > 0;
          if (!positive || (ctx.tilbudIds && !ctx.tilbudIds->count(id->text)))
            atForm(out, *f.form, id->answer)
                .error("SMDB-TILB-13", "1-TILB",
                       "[1-TILB] TilbudId " + id->text +
                           (positive ? " findes ikke i listen over tilbud (HentAlleTilbud)."
                                     : " er ikke et gyldigt tilbuds-id (et positivt heltal fra HentAlleTilbud)."));
        }
      }
    }
  }
  (void)rm;
}

}  // namespace reghub::smdb
