#pragma once
// A large POST /fhir body on its way into the intake queue
// (store/intake_queue.h): each piece the HTTP server hands over is sealed and
// stored in its own transaction as it arrives, so the hub holds one piece,
// not the body. The ingest is `receiving` until release(); a body that does
// not arrive whole is abandoned (its row and pieces deleted).
// One request's; used by one thread at a time. Throws StoreError.
#include <memory>
#include <string>

#include "hub/net/http_types.h"
#include "hub/store/intake_queue.h"

namespace reghub::api {

class IntakeSpool final : public net::BodySink {
 public:
  IntakeSpool(std::shared_ptr<store::IntakeQueue> queue, store::QueuedIngest ingest);
  void write(std::string_view piece) override;
  void abandon() noexcept override;
  // The whole body is stored: queued for the intake worker.
  void release();
  const store::QueuedIngest& ingest() const { return ingest_; }

 private:
  std::shared_ptr<store::IntakeQueue> queue_;
  store::QueuedIngest ingest_;
  int64_t next_ = 0;
  bool begun_ = false;
};

}  // namespace reghub::api
