#pragma once
// One SMDB kontaktforløb as the rules and the renderer see it: the skemaer
// (QuestionnaireResponses) sorted by kind, each answer typed by its field
// definition, and the fields the hub computes itself (2-IVÆR, 3-IVÆR,
// KommuneKode, PersonNavn, PersonKoenKode). Building a view does no I/O and
// never throws for bad data: answers that do not fit their field's type
// are left out of `values` and listed in `typeProblems` for the rules to
// report. Value types; thread-compatible.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/smdb/field_table.h"
#include "hub/model/citizen.h"

namespace reghub::smdb {

struct FieldValue {
  const FieldDef* def = nullptr;
  const model::Answer* answer = nullptr;  // null for computed values
  std::string text;                        // code / text; integers and dates as text too
  std::optional<long> integer;
  std::optional<model::Date> date;
  std::optional<bool> boolean;
  // "Filled" in the spec's sense: a blank checkbox (false) is not filled.
  bool filled() const { return !boolean.has_value() || *boolean; }
};

struct TypeProblem {
  const FieldDef* def;
  const model::Answer* answer;
  std::string message;
};

struct SkemaForm {
  Skema skema = Skema::kAnm;
  const model::FormResponse* form = nullptr;
  std::map<std::string, FieldValue, std::less<>> values;  // by Variabelnavn, first answer wins
  std::vector<const model::Answer*> unknown;               // linkIds not in the skema
  std::vector<const model::Answer*> duplicates;            // second answer to the same linkId
  std::vector<TypeProblem> typeProblems;
  // values by FieldTable::slot (null: not answered). It points into
  // `values`, so a form moves but is never copied.
  std::vector<const FieldValue*> bySlot;

  SkemaForm() = default;
  SkemaForm(SkemaForm&&) = default;
  SkemaForm& operator=(SkemaForm&&) = default;
  SkemaForm(const SkemaForm&) = delete;
  SkemaForm& operator=(const SkemaForm&) = delete;

  const FieldValue* get(std::string_view variable) const;
  // The same for a field of this form's skema, by its slot.
  const FieldValue* get(const FieldDef& def) const {
    return def.slot >= 0 && static_cast<size_t>(def.slot) < bySlot.size() ? bySlot[def.slot] : get(def.variable);
  }
  std::optional<model::Date> date(std::string_view variable) const;
  std::string code(std::string_view variable) const;  // "" if empty
  // Stable id of this skema for keys: identifier, else resource id.
  std::string sourceId() const;
};

struct ForloebView {
  const model::Citizen* citizen = nullptr;
  const model::Forloeb* forloeb = nullptr;
  std::vector<SkemaForm> forms[kSkemaCount];                     // active (not withdrawn)
  std::vector<const model::FormResponse*> withdrawn[kSkemaCount];  // entered-in-error
  std::map<std::string, FieldValue, std::less<>> computed;
  std::vector<const FieldValue*> computedBySlot;  // into `computed`, as SkemaForm::bySlot
  std::optional<model::Date> anmodning, ivaerksat, afsluttet;  // 2-ANM, 1-IVÆR, 1-AFSL of the first skema
  std::string kommune3;  // "330", empty if no myndighedskommune
  bool oldSkemaer = false;  // 2-ANM before 2019-07-01 (6.2)

  const std::vector<SkemaForm>& of(Skema s) const { return forms[static_cast<int>(s)]; }
  const SkemaForm* first(Skema s) const { return of(s).empty() ? nullptr : &of(s).front(); }
  // The value of a field for conditions evaluated on `form`: the form's
  // own answer, else a computed value, else the forløb's ANM, IVAER, AFSL.
  const FieldValue* lookup(const SkemaForm* form, std::string_view variable) const;
  const FieldValue* lookup(const SkemaForm* form, int slot) const;  // the same by FieldTable::slot

  ForloebView() = default;
  ForloebView(ForloebView&&) = default;
  ForloebView& operator=(ForloebView&&) = default;
  ForloebView(const ForloebView&) = delete;
  ForloebView& operator=(const ForloebView&) = delete;
};

ForloebView buildView(const model::Citizen& citizen, const model::Forloeb& forloeb, const FieldTable& table);

// Evaluates a fields.json condition. An empty field makes every comparison
// false (only `empty` is true), so "required if X = 02" needs X answered.
// A condition reads the forløb as seen from one form (ForloebView::lookup),
// by slot where the FieldTable resolved one (every condition it loaded).
struct Lookup {
  const ForloebView& view;
  const SkemaForm* form;
  const FieldValue* operator()(int slot, std::string_view variable) const {
    return slot >= 0 ? view.lookup(form, slot) : view.lookup(form, variable);
  }
  const FieldValue* operator()(std::string_view variable) const { return view.lookup(form, variable); }
};
bool evaluate(const Condition& c, const Lookup& lookup);

}  // namespace reghub::smdb
