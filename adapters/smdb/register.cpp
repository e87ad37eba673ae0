#include "adapters/smdb/smdb_adapter.h"
#include "hub/engine/adapter_registry.h"

REGHUB_REGISTER_ADAPTER("smdb", reghub::smdb::SmdbAdapter)
