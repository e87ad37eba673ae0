#include "hub/dashboard/deadlines.h"

namespace reghub::dashboard {

model::Date copenhagenDay(int64_t millis) {
  return model::DateTime::fromEpochSeconds(millis / 1000).copenhagenDate();
}

std::string lightDa(Light light) {
  switch (light) {
    case Light::kGreen: return "grøn";
    case Light::kYellow: return "gul";
    case Light::kRed: return "rød";
    case Light::kNone: return "ingen frist";
  }
  return "ingen frist";
}

std::string lightStyle(Light light) {
  switch (light) {
    case Light::kGreen: return "lys-groen";
    case Light::kYellow: return "lys-gul";
    case Light::kRed: return "lys-roed";
    case Light::kNone: return "lys-ingen";
  }
  return "lys-ingen";
}

namespace {

// "2 afvist, 1 død og 3 venter"
std::string openDa(const Open& o) {
  std::vector<std::string> parts;
  if (o.rejected) parts.push_back(std::to_string(o.rejected) + " afvist");
  if (o.dead) parts.push_back(std::to_string(o.dead) + " døde");
  if (o.waiting) parts.push_back(std::to_string(o.waiting) + " venter");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : i + 1 == parts.size() ? " og " : ", ") + parts[i];
  return out;
}

}  // namespace

DeadlineJudgement judge(const engine::DeadlineRule* rule, const model::Date& today, const store::DeliveryMarks& marks,
                        const Open& open) {
  DeadlineJudgement j;
  if (!rule) {
    j.reason = "Registret har ingen frist erklæret.";
    return j;
  }
  j.next = rule->next(today);
  const std::string due = "fristen " + engine::dayDa(j.next->due) + " (" + j.next->activity + ")";
  const auto passed = rule->lastPassed(today);
  if (open.total() > 0 && marks.oldestOpen && passed && copenhagenDay(*marks.oldestOpen) <= passed->to) {
    j.light = Light::kRed;
    j.reason = "Fristen " + engine::dayDa(passed->due) + " for " + passed->activity +
               " er overskredet: beskeder fra " + engine::dayDa(copenhagenDay(*marks.oldestOpen)) +
               " er ikke godkendt (" + openDa(open) + ").";
    return j;
  }
  if (open.rejected + open.dead > 0) {
    j.light = Light::kYellow;
    j.reason = openDa(open) + ": ret de afviste og døde før " + due + ".";
    return j;
  }
  if (open.waiting > 0) {
    j.light = Light::kYellow;
    j.reason = openDa(open) + " på at blive leveret før " + due + ".";
    return j;
  }
  j.light = Light::kGreen;
  // Nothing sent and nothing waiting is not the same as everything accepted: say which.
  j.reason = (marks.lastAccepted ? "Alt er godkendt; næste er " : "Intet er sendt, og intet venter; næste er ") + due + ".";
  return j;
}

}  // namespace reghub::dashboard
