#include "adapters/smdb/smdb_adapter.h"

namespace reghub::smdb {

void SmdbAdapter::synthesize(const engine::SynthCitizen&, engine::SynthRng&, bool, std::vector<std::string>&,
                             std::vector<engine::SeededMistake>&) const {}

}  // namespace reghub::smdb
