#include "hub/api/intake_spool.h"

namespace reghub::api {

IntakeSpool::IntakeSpool(std::shared_ptr<store::IntakeQueue> queue, store::QueuedIngest ingest)
    : queue_(std::move(queue)), ingest_(std::move(ingest)) {}

void IntakeSpool::write(std::string_view piece) {
  if (!begun_) {
    queue_->begin(ingest_, store::nowMillis());
    begun_ = true;
  }
  queue_->append(ingest_.id, next_++, piece);
}

void IntakeSpool::abandon() noexcept {
  if (begun_) queue_->abandon(ingest_.id);
  begun_ = false;
}

void IntakeSpool::release() {
  if (!begun_) write({});
  queue_->release(ingest_.id);
}

}  // namespace reghub::api
