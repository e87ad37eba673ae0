// Rules across the skemaer of one kontaktforløb (6.1.2-6.1.8) and across a
// citizen's forløb in one kommune. Where the spec states one fact from
// both sides (e.g. IVAER-04 "1-IVÆR not after 1-AFSL" and AFSL-03 "1-AFSL
// not before 1-IVÆR"), both rule ids are reported, each at its own skema,
// so a reader of either skema sees what to change (README.md).
#include <algorithm>
#include <limits>

#include "adapters/smdb/rules.h"

namespace reghub::smdb {

namespace {

using diag::Severity;

constexpr const char* kAnmDate = "BehandlingAnmodningDato";
constexpr const char* kIvaerDate = "IvaerksatBehandlingDato";
constexpr const char* kTilbStart = "TilbudTilknyttetBehandlingStartDato";
constexpr const char* kTilbEnd = "TilbudTilknyttetBehandlingSlutDato";
constexpr const char* kAfslDate = "BehandlingAfsluttetDato";

// A diagnostic at a form, pointing at one of its answers if present.
diag::Reporter at(const diag::Reporter& out, const SkemaForm& f, std::string_view variable) {
  const FieldValue* v = f.get(variable);
  return atForm(out, *f.form, v ? v->answer : nullptr);
}

std::string iso(const std::optional<model::Date>& d) { return d ? d->iso() : "(tom)"; }

bool softRetired(const SkemaForm& f, const FieldTable& t, const char* anchor) {
  const auto d = f.date(anchor);
  return d && *d >= t.voluntaryFrom();
}

void retiredRules(const ForloebView& v, const RuleContext& ctx, const diag::Reporter& out) {
  const FieldTable& t = ctx.table;
  struct Anchor {
    Skema s;
    const char* var;
  };
  for (const Anchor& a : {Anchor{Skema::kInds, "IndskrivningDato"}, Anchor{Skema::kYdel, "YdelseStartDato"},
                          Anchor{Skema::kUdsk, "UdskrivningDato"}, Anchor{Skema::kYdel, "YdelseSlutDato"}}) {
    for (const SkemaForm& f : v.of(a.s))
      if (const auto d = f.date(a.var); d && *d >= t.retiredFrom())
        at(out, f, a.var).error("SMDB-SCOPE-11", f.get(a.var)->def->diagField(),
                                std::string(skemaName(a.s)) + "-skemaet kan ikke indberettes for aktivitet fra " +
                                    t.retiredFrom().iso() + " (" + d->iso() +
                                    "); behandling i tilbud indberettes af myndigheden via tilbudstilknytning (TILB).");
  }
  const SkemaForm* inds = v.first(Skema::kInds);
  const SkemaForm* udsk = v.first(Skema::kUdsk);
  const auto sev = [&](const SkemaForm& f, const char* anchor) {
    return softRetired(f, t, anchor) ? Severity::kWarning : Severity::kError;
  };
  std::optional<model::Date> maxYdelEnd;
  bool openYdelse = false;
  for (const SkemaForm& y : v.of(Skema::kYdel)) {
    if (!inds)
      at(out, y, "YdelseStartDato")
          .report(sev(y, "YdelseStartDato"), "SMDB-YDEL-01", "2-YDEL",
                  "En ydelse skal være knyttet til en indskrivning [1-INDS]; forløbet har ingen indskrivning.");
    const auto end = y.date("YdelseSlutDato");
    if (!end) openYdelse = true;
    if (end && (!maxYdelEnd || *maxYdelEnd < *end)) maxYdelEnd = end;
    if (udsk) {
      const auto ud = udsk->date("UdskrivningDato");
      if (ud && !end)
        at(out, y, "YdelseSlutDato")
            .report(sev(y, "YdelseStartDato"), "SMDB-YDEL-06", "4-YDEL",
                    "[4-YDEL] Ydelsens slutdato skal udfyldes, når indskrivningen har en udskrivningsdato [3-UDSK].");
      if (ud && end && *ud < *end)
        at(out, y, "YdelseSlutDato")
            .report(sev(y, "YdelseStartDato"), "SMDB-YDEL-05", "4-YDEL",
                    "[4-YDEL] " + end->iso() + " ligger efter udskrivningsdato [3-UDSK] " + ud->iso() + ".");
    }
  }
  if (udsk)
    if (const auto ud = udsk->date("UdskrivningDato")) {
      if (openYdelse)
        at(out, *udsk, "UdskrivningDato")
            .report(sev(*udsk, "UdskrivningDato"), "SMDB-INDS-05", "3-UDSK",
                    "[3-UDSK] Der kan ikke udskrives, mens en ydelse er åben; angiv først ydelsens slutdato [4-YDEL].");
      if (maxYdelEnd && *ud < *maxYdelEnd)
        at(out, *udsk, "UdskrivningDato")
            .report(sev(*udsk, "UdskrivningDato"), "SMDB-INDS-04", "3-UDSK",
                    "[3-UDSK] " + ud->iso() + " ligger før seneste ydelsesslutdato [4-YDEL] " + maxYdelEnd->iso() + ".");
    }
}

struct Interval {
  const SkemaForm* form;
  int start;
  int end;  // inclusive; open = max
};

// GEN-09: KommuneKode is the myndighedskommune's number.
void checkKommune(const ForloebView& v, const RuleContext& ctx, const diag::Reporter& out) {
  const SkemaForm* anm = v.first(Skema::kAnm);
  if (v.kommune3.empty())
    (anm ? atForm(out, *anm->form) : out)
        .error("SMDB-GEN-09", "8-ANM",
               "[8-ANM] KommuneKode kan ikke udfyldes: forløbet (EpisodeOfCare.managingOrganization) peger ikke på en "
               "kommune med en DK-core kommunekode. Angiv myndighedskommunen.");
  else if (!ctx.kommuner.nameOf(v.kommune3))
    (anm ? atForm(out, *anm->form) : out)
        .error("SMDB-GEN-09", "8-ANM",
               "[8-ANM] KommuneKode " + v.kommune3 + " er ikke en af de 98 kommuner. Ret myndighedskommunens kode.");
}

// DATE-01: before 1.7.2019 the old skemaer apply; said once, as an info.
void noteOldSkemaer(const ForloebView& v, const diag::Reporter& out) {
  if (v.oldSkemaer)
    atForm(out, *v.first(Skema::kAnm)->form)
        .info("SMDB-DATE-01", "2-ANM",
              "Anmodningsdato [2-ANM] " + v.anmodning->iso() +
                  " er før 1.7.2019: de gamle (ikke-sanerede) skemaer gælder; kun felterne i de sanerede skemaer "
                  "kontrolleres.");
}

// One anmodning, iværksættelse, afslutning and KvalHep per kontaktforløb.
void checkOneOfEach(const ForloebView& v, const diag::Reporter& out) {
  const auto& anms = v.of(Skema::kAnm);
  const auto& ivaers = v.of(Skema::kIvaer);
  const auto& kvals = v.of(Skema::kKvalhep);
  const auto& afsls = v.of(Skema::kAfsl);
  for (size_t i = 1; i < anms.size(); ++i)
    at(out, anms[i], kAnmDate)
        .error("SMDB-ANM-01", "2-ANM",
               "Kontaktforløbet har mere end én anmodning; et forløb har præcis én anmodningsdato [2-ANM]. Opret et "
               "nyt forløb (EpisodeOfCare) for en ny anmodning.");
  for (size_t i = 1; i < ivaers.size(); ++i)
    at(out, ivaers[i], kIvaerDate)
        .error("SMDB-IVAER-01", "1-IVÆR",
               "Der kan kun være én iværksættelse [1-IVÆR] pr. anmodning; forløbet har " +
                   std::to_string(ivaers.size()) + ". Fjern den overskydende eller ret den eksisterende.");
  for (size_t i = 1; i < afsls.size(); ++i)
    at(out, afsls[i], kAfslDate)
        .error("SMDB-AFSL-01", "1-AFSL",
               "Der kan kun være én afslutning [1-AFSL] pr. kontaktforløb; forløbet har " +
                   std::to_string(afsls.size()) + ".");
  for (size_t i = 1; i < kvals.size(); ++i)
    atForm(out, *kvals[i].form)
        .error("SMDB-KVAL-02", "",
               "Der kan kun være ét KvalHep-skema pr. iværksættelse; forløbet har " + std::to_string(kvals.size()) + ".");
}

// IVAER-02 / AFSL-01: iværksættelse and afslutning belong to an anmodning.
void checkAttachedToAnmodning(const ForloebView& v, const diag::Reporter& out) {
  const SkemaForm* anm = v.first(Skema::kAnm);
  const SkemaForm* ivaer = v.first(Skema::kIvaer);
  const SkemaForm* afsl = v.first(Skema::kAfsl);
  if (ivaer && !anm)
    at(out, *ivaer, kIvaerDate)
        .error("SMDB-IVAER-02", "1-IVÆR",
               "En iværksættelse skal være knyttet til en anmodning [2-ANM]; forløbet har intet anmodningsskema "
               "(urn:reghub:smdb:ANM).");
  if (afsl && !anm)
    at(out, *afsl, kAfslDate)
        .error("SMDB-AFSL-01", "1-AFSL",
               "En afslutning skal være knyttet til præcis én anmodning [2-ANM]; forløbet har intet anmodningsskema.");
}

// IVAER-04 / AFSL-03: iværksættelse not after the afslutning.
void checkIvaerksatNotAfterAfsluttet(const ForloebView& v, const diag::Reporter& out) {
  if (!v.ivaerksat || !v.afsluttet || !(*v.afsluttet < *v.ivaerksat)) return;
  at(out, *v.first(Skema::kIvaer), kIvaerDate)
      .error("SMDB-IVAER-04", "1-IVÆR",
             "[1-IVÆR] " + v.ivaerksat->iso() + " ligger efter dato for afsluttet behandling [1-AFSL] " +
                 v.afsluttet->iso() + ".");
  at(out, *v.first(Skema::kAfsl), kAfslDate)
      .error("SMDB-AFSL-03", "1-AFSL",
             "[1-AFSL] " + v.afsluttet->iso() + " ligger før dato for iværksat behandling [1-IVÆR] " +
                 v.ivaerksat->iso() + ".");
}

// What the afslutning and the substitution rules need to know of the tilknytninger.
struct Tilknytninger {
  std::optional<model::Date> maxEnd;
  bool anyOpen = false;
  std::vector<Interval> substitution;
};

// Tilbudstilknytninger (6.1.4): TILB-01, -05, -07 per tilknytning, TILB-03 over them.
Tilknytninger checkTilknytninger(const ForloebView& v, const diag::Reporter& out) {
  const auto& tilbs = v.of(Skema::kTilb);
  const SkemaForm* ivaer = v.first(Skema::kIvaer);
  Tilknytninger sum;
  bool anyStartOnIvaer = false, anyStart = false;
  for (const SkemaForm& t : tilbs) {
    const auto s = t.date(kTilbStart), e = t.date(kTilbEnd);
    if (!ivaer)
      at(out, t, kTilbStart)
          .error("SMDB-TILB-01", "3-TILB",
                 "En tilbudstilknytning skal være knyttet til en iværksættelse [1-IVÆR]; forløbet har ingen "
                 "iværksættelse. Indberet iværksættelsen først.");
    if (!s && e)
      at(out, t, kTilbEnd)
          .error("SMDB-TILB-05", "4-TILB",
                 "[4-TILB] Tilbudsslutdato skal være tom, når der ikke er nogen tilbudsstartdato [3-TILB].");
    if (s) {
      anyStart = true;
      if (v.ivaerksat && *s == *v.ivaerksat) anyStartOnIvaer = true;
    }
    if (!e) sum.anyOpen = true;
    if (e && (!sum.maxEnd || *sum.maxEnd < *e)) sum.maxEnd = e;
    if (e && v.afsluttet && *v.afsluttet < *e)
      at(out, t, kTilbEnd)
          .error("SMDB-TILB-07", "4-TILB",
                 "[4-TILB] " + e->iso() + " ligger efter dato for afsluttet behandling [1-AFSL] " +
                     v.afsluttet->iso() + ".");
    if (s && isSubstitution(t.code("BehandlingTypeKode")))
      sum.substitution.push_back({&t, s->days(), e ? e->days() : std::numeric_limits<int>::max()});
  }
  if (ivaer && v.ivaerksat && anyStart && !anyStartOnIvaer)
    at(out, tilbs.front(), kTilbStart)
        .error("SMDB-TILB-03", "3-TILB",
               "Mindst én tilbudstilknytning skal starte på dato for iværksat behandling [1-IVÆR] " +
                   v.ivaerksat->iso() + "; den første starter " + iso(tilbs.front().date(kTilbStart)) + ".");
  return sum;
}

// TILB-11: at most one active substitution tilknytning at any time.
void checkSubstitutionOverlap(const std::vector<Interval>& substitution, const RuleContext& ctx,
                              const diag::Reporter& out) {
  for (size_t i = 0; i < substitution.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const Interval& a = substitution[j];
      const Interval& b = substitution[i];
      const bool overlap = ctx.settings.substitutionSameDayHandover ? (a.start < b.end && b.start < a.end)
                                                                    : (a.start <= b.end && b.start <= a.end);
      // Two one-day tilknytninger on the same day overlap whatever the setting.
      if (overlap || (a.start == b.start)) {
        at(out, *b.form, kTilbStart)
            .error("SMDB-TILB-11", "8-TILB",
                   "[8-TILB] Substitutionsbehandling (" + b.form->code("BehandlingTypeKode") +
                       ") overlapper i tid med en anden substitutionstilknytning (" + a.form->code("BehandlingTypeKode") +
                       ", start " + model::Date::fromDays(a.start).iso() +
                       "); kun én kan være aktiv ad gangen. Afslut den første [4-TILB] før den næste starter.");
        break;
      }
    }
}

// Afslutning (6.1.5): AFSL-05, -04, -06 against the tilknytninger.
void checkAfslutning(const ForloebView& v, const Tilknytninger& tilb, const diag::Reporter& out) {
  const SkemaForm* afsl = v.first(Skema::kAfsl);
  if (!afsl || !v.afsluttet) return;
  if (tilb.anyOpen && !v.of(Skema::kTilb).empty())
    at(out, *afsl, kAfslDate)
        .error("SMDB-AFSL-05", "1-AFSL",
               "Forløbet kan ikke afsluttes, mens en tilbudstilknytning er åben (uden tilbudsslutdato [4-TILB]). "
               "Afslut tilknytningerne først.");
  if (tilb.maxEnd && *v.afsluttet < *tilb.maxEnd)
    at(out, *afsl, kAfslDate)
        .error("SMDB-AFSL-04", "1-AFSL",
               "[1-AFSL] " + v.afsluttet->iso() + " ligger før seneste tilbudsslutdato [4-TILB] " +
                   tilb.maxEnd->iso() + ".");
  if (!tilb.anyOpen && tilb.maxEnd && *tilb.maxEnd < *v.afsluttet)
    at(out, *afsl, kAfslDate)
        .error("SMDB-AFSL-06", "1-AFSL",
               "[1-AFSL] skal være identisk med seneste tilbudsslutdato [4-TILB] " + tilb.maxEnd->iso() + ", ikke " +
                   v.afsluttet->iso() + ".");
}

// KvalHep (6.1.8): KVAL-01 (only with iværksættelse and tilknytning), KVAL-03 (risk group).
void checkKvalhep(const ForloebView& v, const RuleContext& ctx, const diag::Reporter& out) {
  const auto& tilbs = v.of(Skema::kTilb);
  const auto& kvals = v.of(Skema::kKvalhep);
  const SkemaForm* ivaer = v.first(Skema::kIvaer);
  if (!kvals.empty() && (!ivaer || tilbs.empty()))
    atForm(out, *kvals.front().form)
        .error("SMDB-KVAL-01", "",
               std::string("Et KvalHep-skema kan kun oprettes, når behandlingen er iværksat [1-IVÆR] og har en "
                           "tilbudstilknytning; ") +
                   (!ivaer ? "forløbet har ingen iværksættelse." : "forløbet har ingen tilbudstilknytning."));
  if (ivaer && kvals.empty()) {
    const auto risky = [](const std::string& c) { return c == "03" || c == "04" || c == "05"; };
    const bool subst = std::any_of(tilbs.begin(), tilbs.end(),
                                   [](const SkemaForm& t) { return isSubstitution(t.code("BehandlingTypeKode")); });
    const bool injected = risky(ivaer->code("PersonNogensindeInjiceretEllerInjicererForTidenKode"));
    const bool shared = risky(ivaer->code("PersonNogensindeDeltEllerDelerVaerktoejForTidenKode"));
    if (subst || injected || shared)
      atForm(out, *ivaer->form)
          .report(ctx.settings.kvalhepMissing, "SMDB-KVAL-03", "",
                  std::string("Borgeren er i risikogruppen (") +
                      (subst ? "substitutionsbehandling [8-TILB]" : injected ? "har injiceret [32-IVÆR]" : "har delt værktøj [33-IVÆR]") +
                      "); KvalHep-skemaet skal udfyldes (urn:reghub:smdb:KVALHEP).");
  }
}

// Withdrawn skemaer: the web service cannot delete (GEN-14); order matters.
void checkWithdrawnOrder(const ForloebView& v, const diag::Reporter& out) {
  const auto& ivaers = v.of(Skema::kIvaer);
  const auto& kvals = v.of(Skema::kKvalhep);
  const auto& ivaerGone = v.withdrawn[static_cast<int>(Skema::kIvaer)];
  const auto& kvalGone = v.withdrawn[static_cast<int>(Skema::kKvalhep)];
  if (!ivaerGone.empty() && ivaers.empty() && !kvals.empty())
    atForm(out, *ivaerGone.front())
        .error("SMDB-IVAER-24", "1-IVÆR",
               "Iværksættelsen er trukket tilbage (entered-in-error), men forløbet har stadig et KvalHep-skema. "
               "KvalHep-skemaet skal slettes før iværksættelsen.");
  if (!ivaerGone.empty() && ivaers.empty() && !kvalGone.empty())
    atForm(out, *kvalGone.front())
        .warning("SMDB-KVAL-06", "",
                 "KvalHep-skema og iværksættelse er trukket tilbage. Web-servicen kan ikke slette: slet KvalHep-skemaet "
                 "før iværksættelsen i SMDB-web (eller via Danmarks Statistik).");
}

}  // namespace

// The steps in the order their diagnostics have always come out.
void checkForloeb(const ForloebView& v, const RuleContext& ctx, const diag::Reporter& out) {
  checkKommune(v, ctx, out);
  noteOldSkemaer(v, out);
  checkOneOfEach(v, out);
  checkAttachedToAnmodning(v, out);
  checkIvaerksatNotAfterAfsluttet(v, out);
  const Tilknytninger tilb = checkTilknytninger(v, out);
  checkSubstitutionOverlap(tilb.substitution, ctx, out);
  checkAfslutning(v, tilb, out);
  checkKvalhep(v, ctx, out);
  checkWithdrawnOrder(v, out);
  retiredRules(v, ctx, out);
}

void checkCitizen(const std::vector<ForloebView>& views, const RuleContext&, const diag::Reporter& out) {
  // ANM-01 / SCOPE-08: one active kontaktforløb per citizen per kommune.
  std::vector<const ForloebView*> sorted;
  for (const ForloebView& v : views)
    if (v.anmodning && !v.kommune3.empty()) sorted.push_back(&v);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ForloebView* a, const ForloebView* b) { return *a->anmodning < *b->anmodning; });
  for (size_t i = 0; i < sorted.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const ForloebView& a = *sorted[j];
      const ForloebView& b = *sorted[i];
      if (a.kommune3 != b.kommune3) continue;
      // Same-day handover (afslutning on the day of the new anmodning) is allowed.
      if (!a.afsluttet || *b.anmodning < *a.afsluttet) {
        const SkemaForm& anm = *b.first(Skema::kAnm);
        at(out.withForloeb(b.forloeb->display()), anm, kAnmDate)
            .error("SMDB-ANM-01", "2-ANM",
                   "Borgeren har allerede et aktivt kontaktforløb i kommunen (" + a.forloeb->display() +
                       ", anmodning " + a.anmodning->iso() + (a.afsluttet ? ", afsluttet " + a.afsluttet->iso() : ", ikke afsluttet") +
                       "). Afslut det først [1-AFSL]; kun ét aktivt kontaktforløb pr. kommune.");
        break;
      }
    }
}

}  // namespace reghub::smdb
