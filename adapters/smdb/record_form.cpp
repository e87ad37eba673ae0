#include "adapters/smdb/record_form.h"

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

}  // namespace reghub::smdb
