#pragma once
// The engine's names for the shared delivery types (hub/delivery): adapters
// render engine::OutboundMessage and classify with engine::DeliveryResult.
#include "hub/delivery/outbound_message.h"
#include "hub/delivery/registry_record.h"

namespace reghub::engine {

using delivery::DeliveryResult;
using delivery::ManualTask;
using delivery::OutboundMessage;
using delivery::RegistryRecord;
using delivery::SyncCounts;
using delivery::TaskStep;

}  // namespace reghub::engine
