#include "hub/store/store_rekey.h"

#include "hub/store/citizen_state.h"
#include "hub/store/registry_mirror.h"

namespace reghub::store {

StoreRekey::StoreRekey(DeliveryStore& store)
    : store_(store),
      citizens_(CitizenState::open(store.options())),
      mirror_(RegistryMirror::open(store.options())),
      queue_(IntakeQueue::open(store.options())) {}

StoreRekey::~StoreRekey() = default;

bool StoreRekey::step(size_t batch) {
  bool done = false;
  switch (at_) {
    case Table::kDelivery:
      counts_.messagesAndDiagnostics += store_.rekey(delivery_, batch);
      if (delivery_.done) at_ = Table::kCitizens;
      break;
    case Table::kCitizens:
      counts_.citizenResources += citizens_->rekey(citizenAt_, done, batch);
      if (done) at_ = Table::kMirror;
      break;
    case Table::kMirror:
      counts_.registryRecords += mirror_->rekey(recordAt_, done, batch);
      if (done) at_ = Table::kBodies;
      break;
    case Table::kBodies:
      // The bodies posted and not yet ingested (queued, or failed and kept).
      counts_.bodyPieces += queue_->rekey(bodyAt_, batch);
      if (bodyAt_.done) at_ = Table::kDone;
      break;
    case Table::kDone:
      break;
  }
  return at_ != Table::kDone;
}

}  // namespace reghub::store
