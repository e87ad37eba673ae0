#pragma once
// The engine's names for the shared delivery types (hub/delivery): adapters
// render engine::OutboundMessage and classify with engine::DeliveryResult.
#include "hub/delivery/outbound_message.h"

namespace reghub::engine {

using delivery::DeliveryResult;
using delivery::OutboundMessage;

}  // namespace reghub::engine
