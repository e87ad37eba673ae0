#include "hub/model/citizen.h"

namespace reghub::model {

const Answer* FormResponse::find(std::string_view linkId) const {
  for (const Answer& a : answers)
    if (a.linkId == linkId) return &a;
  return nullptr;
}

bool Forloeb::hasProgram(std::string_view system, std::string_view code) const {
  for (const Coding& c : programs)
    if (c.system == system && c.code == code) return true;
  return false;
}

std::string Forloeb::extensionCode(std::string_view url) const {
  for (const ExtensionValue& e : extensions)
    if (e.url == url) return e.coding.code;
  return {};
}

Gender Citizen::effectiveGender() const {
  if (gender != Gender::kUnknown) return gender;
  return cpr ? cpr->gender() : Gender::kUnknown;
}

std::string Citizen::maskedCpr() const { return cpr ? cpr->masked() : std::string("(uden CPR)"); }

}  // namespace reghub::model
