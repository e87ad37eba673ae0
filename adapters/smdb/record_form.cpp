#include "adapters/smdb/record_form.h"

#include "adapters/smdb/municipalities.h"
#include "hub/util/strings.h"

namespace reghub::smdb {

namespace {

// An element's text as the answer type its field declares.
bool typeAnswer(const FieldDef* d, model::Answer& a, std::string& why) {
  a.type = model::Answer::Type::kString;
  if (d && d->codes.empty() && d->codeSourcePattern.empty()) {
    if (d->type == DataType::kDatetime) {
      a.type = model::Answer::Type::kDateTime;
      a.date = model::DateTime::parse(a.text);
      if (!a.date) return why = a.linkId + ": '" + a.text + "' er ikke en xs:dateTime.", false;
    } else if (d->type == DataType::kInteger && d->pattern.empty()) {
      if (!util::isAllDigits(a.text) || a.text.empty() || a.text.size() > 9)
        return why = a.linkId + ": '" + a.text + "' er ikke et heltal.", false;
      a.type = model::Answer::Type::kInteger;
      a.integer = std::stol(a.text);
    } else if (d->type == DataType::kBoolean) {
      if (a.text != "true" && a.text != "false") return why = a.linkId + ": '" + a.text + "' er ikke en xs:boolean.", false;
      a.type = model::Answer::Type::kBoolean;
      a.boolean = a.text == "true";
    }
  } else if (d) {
    a.type = model::Answer::Type::kCode;
  }
  return true;
}

// The anmodning carries the citizen and the myndighedskommune.
bool takeAnmodningFacts(const model::FormResponse& form, model::Citizen& citizen, model::Forloeb& f, std::string& why) {
  for (const model::Answer& a : form.answers) {
    if (a.linkId == "PersonIdentifikator") {
      citizen.cpr = model::Cpr::parse(a.text);
      citizen.hasCprIdentifier = true;
      if (!citizen.cpr) return why = "[6-ANM] PersonIdentifikator er ikke et gyldigt CPR-nummer.", false;
    } else if (a.linkId == "PersonKoenKode") {
      citizen.gender = a.text == "00" ? model::Gender::kFemale : model::Gender::kMale;
    } else if (a.linkId == "PersonNavn") {
      citizen.name = a.text;
    } else if (a.linkId == "KommuneKode") {
      f.municipality = model::Organization{kommune4Of(a.text), "", ""};
    }
  }
  return true;
}

}  // namespace

std::optional<model::FormResponse> typedForm(const IncomingSkema& in, const std::string& identifier,
                                             const FieldTable& table, std::string& why) {
  model::FormResponse form;
  form.questionnaire = "urn:reghub:smdb:" + std::string(skemaName(in.skema));
  form.status = "completed";
  form.identifier = form.resourceId = identifier;
  form.source.file = "sandbox";
  form.source.reference = std::string(skemaName(in.skema)) + "/" + identifier;
  int i = 0;
  for (const auto& [name, text] : in.fields) {
    model::Answer a;
    a.linkId = a.path = name;
    a.itemIndex = i++;
    a.text = text;
    if (!typeAnswer(table.find(in.skema, a.linkId), a, why)) return std::nullopt;
    form.answers.push_back(std::move(a));
  }
  return form;
}

bool sagAsCitizen(const std::vector<const SmdbRecord*>& records, const std::string& forloebKey,
                  const FieldTable& table, model::Citizen& out, std::string& why) {
  model::Forloeb f;
  f.key = f.resourceId = forloebKey;
  f.source.reference = "SMDB/" + f.key;
  f.source.file = "SMDB";
  int n = 0;
  for (const SmdbRecord* r : records) {
    const std::string id = r->smdbId.empty() ? "ny-" + std::to_string(n) : "rec-" + r->smdbId;
    ++n;
    auto form = typedForm(IncomingSkema{r->skema, r->fields}, id, table, why);
    if (!form) return false;
    if (r->skema == Skema::kAnm && !takeAnmodningFacts(*form, out, f, why)) return false;
    if (!f.municipality && !r->kommune.empty()) f.municipality = model::Organization{"0" + r->kommune, "", ""};
    f.forms.push_back(std::move(*form));
  }
  out.source.file = "SMDB";
  out.forloeb.push_back(std::move(f));
  return true;
}

}  // namespace reghub::smdb
