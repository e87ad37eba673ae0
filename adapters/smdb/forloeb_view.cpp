#include "adapters/smdb/forloeb_view.h"

#include <algorithm>
#include <cstdio>
#include <regex>

namespace reghub::smdb {

namespace {

using model::Answer;

std::optional<FieldValue> typed(const FieldDef& def, const Answer& a, std::string& problem) {
  FieldValue v;
  v.def = &def;
  v.answer = &a;
  const bool textual = a.type == Answer::Type::kCode || a.type == Answer::Type::kString;
  if (!def.codes.empty() || !def.codeSourcePattern.empty()) {
    if (!textual) {
      problem = "skal være en kode (valueCoding.code eller valueString, fx \"01\")";
      return std::nullopt;
    }
    v.text = a.text;
    return v;
  }
  switch (def.type) {
    case DataType::kString:
      if (!textual) {
        problem = "skal være tekst (valueString)";
        return std::nullopt;
      }
      v.text = a.text;
      return v;
    case DataType::kInteger:
      if (a.type == Answer::Type::kInteger) {
        v.integer = static_cast<long>(a.integer);
        v.text = std::to_string(a.integer);
        return v;
      }
      if (!def.pattern.empty() && textual) {  // KommuneKode: "3 cifre", written as text
        v.text = a.text;
        return v;
      }
      problem = "skal være et heltal (valueInteger)";
      return std::nullopt;
    case DataType::kBoolean:
      if (a.type != Answer::Type::kBoolean) {
        problem = "skal være afkrydset/ikke afkrydset (valueBoolean true/false)";
        return std::nullopt;
      }
      v.boolean = a.boolean;
      v.text = a.boolean ? "true" : "false";
      return v;
    case DataType::kDatetime:
      if ((a.type != Answer::Type::kDate && a.type != Answer::Type::kDateTime) || !a.date) {
        problem = "skal være en dato (valueDate YYYY-MM-DD eller valueDateTime)";
        return std::nullopt;
      }
      if (a.date->precision() == model::DateTime::Precision::kYear ||
          a.date->precision() == model::DateTime::Precision::kMonth) {
        problem = "skal være en hel dato (YYYY-MM-DD), ikke kun år eller måned";
        return std::nullopt;
      }
      v.date = a.date->copenhagenDate();
      v.text = v.date->iso();
      return v;
  }
  return std::nullopt;
}

SkemaForm makeForm(Skema skema, const model::FormResponse& form, const FieldTable& table) {
  SkemaForm sf;
  sf.skema = skema;
  sf.form = &form;
  // bySlot is filled as `values` is: an answered linkId (its definition's
  // Variabelnavn) has its slot set, so a second answer is found by index.
  sf.bySlot.assign(table.slotCount(), nullptr);
  for (const Answer& a : form.answers) {
    const FieldDef* def = table.find(skema, a.linkId);
    if (!def) {
      sf.unknown.push_back(&a);
      continue;
    }
    if (sf.bySlot[def->slot]) {
      sf.duplicates.push_back(&a);
      continue;
    }
    std::string problem;
    if (auto v = typed(*def, a, problem))
      sf.bySlot[def->slot] = &sf.values.emplace(a.linkId, std::move(*v)).first->second;
    else
      sf.typeProblems.push_back({def, &a, std::move(problem)});
  }
  return sf;
}

void addComputed(ForloebView& v, const FieldTable& table, const std::string& variable, std::string text,
                 std::optional<long> integer = std::nullopt) {
  for (int k = 0; k < kSkemaCount; ++k)
    if (const FieldDef* def = table.find(static_cast<Skema>(k), variable)) {
      FieldValue fv;
      fv.def = def;
      fv.text = std::move(text);
      fv.integer = integer;
      v.computed.emplace(variable, std::move(fv));
      return;
    }
}

}  // namespace

const FieldValue* SkemaForm::get(std::string_view variable) const {
  const auto it = values.find(variable);
  return it == values.end() ? nullptr : &it->second;
}

std::optional<model::Date> SkemaForm::date(std::string_view variable) const {
  const FieldValue* v = get(variable);
  return v ? v->date : std::nullopt;
}

std::string SkemaForm::code(std::string_view variable) const {
  const FieldValue* v = get(variable);
  return v ? v->text : std::string();
}

std::string SkemaForm::sourceId() const { return form->identifier.empty() ? form->resourceId : form->identifier; }

const FieldValue* ForloebView::lookup(const SkemaForm* form, std::string_view variable) const {
  if (form)
    if (const FieldValue* v = form->get(variable)) return v;
  if (const auto it = computed.find(variable); it != computed.end()) return &it->second;
  for (Skema s : {Skema::kAnm, Skema::kIvaer, Skema::kAfsl, Skema::kInds})
    if (const SkemaForm* f = first(s); f && f != form)
      if (const FieldValue* v = f->get(variable)) return v;
  return nullptr;
}

const FieldValue* ForloebView::lookup(const SkemaForm* form, int slot) const {
  const auto at = [slot](const std::vector<const FieldValue*>& bySlot) {
    return static_cast<size_t>(slot) < bySlot.size() ? bySlot[slot] : nullptr;
  };
  if (form)
    if (const FieldValue* v = at(form->bySlot)) return v;
  if (const FieldValue* v = at(computedBySlot)) return v;
  for (Skema s : {Skema::kAnm, Skema::kIvaer, Skema::kAfsl, Skema::kInds})
    if (const SkemaForm* f = first(s); f && f != form)
      if (const FieldValue* v = at(f->bySlot)) return v;
  return nullptr;
}

ForloebView buildView(const model::Citizen& citizen, const model::Forloeb& forloeb, const FieldTable& table) {
  ForloebView v;
  v.citizen = &citizen;
  v.forloeb = &forloeb;
  for (const model::FormResponse& form : forloeb.forms) {
    const auto skema = skemaFromQuestionnaire(form.questionnaire);
    if (!skema) continue;
    if (form.status == "entered-in-error") {
      v.withdrawn[static_cast<int>(*skema)].push_back(&form);
      continue;
    }
    v.forms[static_cast<int>(*skema)].push_back(makeForm(*skema, form, table));
  }
  // Tilknytninger in start-date order (undated last), then by source id, so
  // "the first" is the same whatever order the skemaer arrived in.
  auto& tilb = v.forms[static_cast<int>(Skema::kTilb)];
  std::stable_sort(tilb.begin(), tilb.end(), [](const SkemaForm& a, const SkemaForm& b) {
    const auto da = a.date("TilbudTilknyttetBehandlingStartDato"), db = b.date("TilbudTilknyttetBehandlingStartDato");
    if (da && db && !(*da == *db)) return *da < *db;
    if (da.has_value() != db.has_value()) return da.has_value();
    return a.sourceId() < b.sourceId();
  });

  if (const SkemaForm* anm = v.first(Skema::kAnm)) v.anmodning = anm->date("BehandlingAnmodningDato");
  if (const SkemaForm* iv = v.first(Skema::kIvaer)) v.ivaerksat = iv->date("IvaerksatBehandlingDato");
  if (const SkemaForm* af = v.first(Skema::kAfsl)) v.afsluttet = af->date("BehandlingAfsluttetDato");
  v.oldSkemaer = v.anmodning && *v.anmodning < table.saneretFrom();

  if (forloeb.municipality && forloeb.municipality->municipalityCode.size() == 4 &&
      forloeb.municipality->municipalityCode[0] == '0')
    v.kommune3 = forloeb.municipality->municipalityCode.substr(1);
  else if (forloeb.municipality)
    v.kommune3 = forloeb.municipality->municipalityCode;
  if (!v.kommune3.empty()) addComputed(v, table, "KommuneKode", v.kommune3);
  if (!citizen.name.empty()) addComputed(v, table, "PersonNavn", citizen.name);
  switch (citizen.effectiveGender()) {
    case model::Gender::kMale: addComputed(v, table, "PersonKoenKode", "01"); break;
    case model::Gender::kFemale: addComputed(v, table, "PersonKoenKode", "00"); break;
    case model::Gender::kUnknown: break;
  }
  if (v.anmodning && v.ivaerksat) {
    const long days = model::daysBetween(*v.anmodning, *v.ivaerksat);
    addComputed(v, table, "IvaerksatBehandlingDageSidenAnmodningKvantitet", std::to_string(days), days);
  }
  if (citizen.cpr && v.ivaerksat) {
    const long age = citizen.cpr->ageAt(*v.ivaerksat);
    addComputed(v, table, "PersonIvaerksatBehandlingAlderKvantitet", std::to_string(age), age);
  }
  v.computedBySlot.assign(table.slotCount(), nullptr);
  for (const auto& [variable, value] : v.computed) v.computedBySlot[table.slot(variable)] = &value;
  return v;
}

namespace {

// -1 / 0 / 1, or nullopt when the two cannot be compared.
std::optional<int> compare(const FieldValue& a, const FieldValue* ref, const Condition& c) {
  if (ref) {
    if (a.date && ref->date) return a.date->days() < ref->date->days() ? -1 : (a.date->days() > ref->date->days() ? 1 : 0);
    if (a.integer && ref->integer) return *a.integer < *ref->integer ? -1 : (*a.integer > *ref->integer ? 1 : 0);
    return std::nullopt;
  }
  if (c.number && a.integer) return *a.integer < *c.number ? -1 : (*a.integer > *c.number ? 1 : 0);
  return std::nullopt;
}

int slotOf(const std::vector<int>& slots, size_t i) { return i < slots.size() ? slots[i] : -1; }

bool opHolds(Condition::Op op, int cmp) {
  using Op = Condition::Op;
  switch (op) {
    case Op::kGt: return cmp > 0;
    case Op::kGe: return cmp >= 0;
    case Op::kLt: return cmp < 0;
    case Op::kLe: return cmp <= 0;
    case Op::kEq: return cmp == 0;
    case Op::kNe: return cmp != 0;
    default: return false;
  }
}

}  // namespace

bool evaluate(const Condition& c, const Lookup& lookup) {
  switch (c.kind) {
    case Condition::Kind::kAll:
      return std::all_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return evaluate(x, lookup); });
    case Condition::Kind::kAny:
      return std::any_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return evaluate(x, lookup); });
    case Condition::Kind::kNot:
      return !evaluate(c.children.front(), lookup);
    case Condition::Kind::kAnyFilled:
      for (size_t i = 0; i < c.vars.size(); ++i) {
        const FieldValue* fv = lookup(slotOf(c.varSlots, i), c.vars[i]);
        if (fv && fv->filled()) return true;
      }
      return false;
    case Condition::Kind::kDaysBetween: {
      const FieldValue* from = lookup(slotOf(c.varSlots, 0), c.vars[0]);
      const FieldValue* to = lookup(slotOf(c.varSlots, 1), c.vars[1]);
      if (!from || !to || !from->date || !to->date || !c.number) return false;
      const long d = model::daysBetween(*from->date, *to->date);
      return opHolds(c.opCode, d < *c.number ? -1 : (d > *c.number ? 1 : 0));
    }
    case Condition::Kind::kCompare:
      break;
  }
  using Op = Condition::Op;
  const FieldValue* v = lookup(c.varSlot, c.var);
  const bool filled = v && v->filled();
  if (c.opCode == Op::kFilled) return filled;
  if (c.opCode == Op::kEmpty) return !filled;
  if (!v) return false;
  if (c.opCode == Op::kTrue) return v->boolean.value_or(false);
  if (c.opCode == Op::kIn || c.opCode == Op::kNotIn) {
    const bool in = std::find(c.values.begin(), c.values.end(), v->text) != c.values.end();
    return c.opCode == Op::kIn ? in : !in;
  }
  if ((c.opCode == Op::kEq || c.opCode == Op::kNe) && !c.values.empty() && c.ref.empty())
    return (v->text == c.values.front()) == (c.opCode == Op::kEq);
  const FieldValue* ref = c.ref.empty() ? nullptr : lookup(c.refSlot, c.ref);
  if (!c.ref.empty() && !ref) return false;
  const auto cmp = compare(*v, ref, c);
  return cmp && opHolds(c.opCode, *cmp);
}


}  // namespace reghub::smdb
