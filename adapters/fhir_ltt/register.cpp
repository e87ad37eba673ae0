#include "adapters/fhir_ltt/ltt_adapter.h"
#include "hub/engine/adapter_registry.h"

REGHUB_REGISTER_ADAPTER("ltt", reghub::ltt::LttAdapter)
