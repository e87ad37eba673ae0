#pragma once
// The traffic light of one registry × kommune against its registry's
// deadline (issue 15 "next deadline"): the rule is the adapter's
// (engine::DeadlineRule), the judgement is the hub's, the same for all:
//   red     a message created on or before the last passed period's end is
//           still not accepted (waiting, rejected or dead): that deadline is missed;
//   yellow  something is not delivered yet, but the next deadline is still ahead;
//   green   everything is accepted;
//   none    the registry declares no deadline.
// A message's creation day stands for its activity's day (the store keeps no
// activity date; a message is rendered the day its data arrives). Pure.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/engine/credential_info.h"
#include "hub/engine/deadline.h"
#include "hub/store/delivery_store.h"

namespace reghub::dashboard {

// What the dashboard knows of one registry's adapter (hub/app builds it).
struct RegistryFacts {
  std::string name;
  std::shared_ptr<const engine::DeadlineRule> deadline;  // null: none declared
  std::vector<engine::CredentialInfo> credentials;
};

enum class Light { kGreen, kYellow, kRed, kNone };

struct Open {
  int64_t waiting = 0, rejected = 0, dead = 0;
  int64_t total() const { return waiting + rejected + dead; }
};

struct DeadlineJudgement {
  Light light = Light::kNone;
  std::string reason;  // Danish, a whole sentence
  std::optional<engine::DeadlinePeriod> next;
};

DeadlineJudgement judge(const engine::DeadlineRule* rule, const model::Date& today, const store::DeliveryMarks& marks,
                        const Open& open);

std::string lightDa(Light light);     // "grøn", "gul", "rød", "ingen frist"
std::string lightStyle(Light light);  // "lys-groen", …

// The Copenhagen day of an instant (ms since the epoch).
model::Date copenhagenDay(int64_t millis);

}  // namespace reghub::dashboard
