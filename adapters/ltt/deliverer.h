#pragma once
// LTT's transport is FK Gateway's, shared: adapters/kl_gateway/gateway_deliverer.h.
#include "adapters/kl_gateway/gateway_deliverer.h"

namespace reghub::ltt {

using kl_gateway::DelivererConfig;
using kl_gateway::operationOutcomeText;
using LttDeliverer = kl_gateway::GatewayDeliverer;

}  // namespace reghub::ltt
