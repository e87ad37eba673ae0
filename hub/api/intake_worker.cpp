#include "hub/api/intake_worker.h"

#include <Poco/Process.h>
#include <Poco/UUIDGenerator.h>
#include <unistd.h>

#include "hub/log/log.h"

namespace reghub::api {

IntakeWorker::IntakeWorker(store::IntakeQueue& queue, Intake& intake, IntakeQueueOptions options,
                           std::function<void()> maintenance)
    : queue_(queue), intake_(intake), options_(options), foldCounts_(std::move(maintenance)) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  workerId_ = std::string("intake ") + host + "-" + std::to_string(Poco::Process::id()) + "-" +
              Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
}

IntakeWorker::~IntakeWorker() { stop(); }

void IntakeWorker::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void IntakeWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IntakeWorker::notify() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void IntakeWorker::keepLease(const std::string& id, const bool& done, std::atomic<bool>& lost) {
  std::unique_lock lock(mutex_);
  while (!done) {
    wake_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, options_.leaseMillis / 3)));
    if (done) return;
    lock.unlock();
    try {
      if (!queue_.renew(id, workerId_, store::nowMillis() + options_.leaseMillis)) {
        lost = true;  // another worker claimed it after our lease ran out: it ingests, we stop
        log::warning("intake lease lost; the ingest is left to the worker that has it", {{"ingestId", id}});
        return;
      }
    } catch (const std::exception& e) {
      log::warning("intake lease not renewed", {{"ingestId", id}, {"error", store::maskDigitRuns(e.what())}});
    }
    lock.lock();
  }
}

bool IntakeWorker::ingestOne() {
  const auto claimed = queue_.claim(workerId_, store::nowMillis(), options_.leaseMillis, options_.maxAttempts,
                                    options_.failGraceMillis);
  if (!claimed) return false;
  bool done = false;
  std::atomic<bool> lost{false};
  std::thread lease([&] { keepLease(claimed->id, done, lost); });
  const auto finish = [&] {
    {
      std::lock_guard lock(mutex_);
      done = true;
    }
    wake_.notify_all();
    lease.join();
  };
  try {
    const std::string body = queue_.body(claimed->id);
    const IntakeResult r = intake_.ingestQueued(*claimed, body, [&lost] { return !lost.load(); });
    finish();
    log::info("ingest done", {{"ingestId", claimed->id},
                              {"attempt", int64_t{claimed->attempt}},
                              {"citizens", static_cast<int64_t>(r.stats.citizens)},
                              {"queued", static_cast<int64_t>(r.queued)},
                              {"refused", r.refused.empty() ? "no" : "yes"}});
  } catch (const LeaseLost&) {
    finish();
    log::warning("ingest abandoned: its lease was lost to another worker",
                 {{"ingestId", claimed->id}, {"attempt", int64_t{claimed->attempt}}});
  } catch (const std::exception& e) {
    finish();
    const std::string why = store::maskDigitRuns(e.what());
    if (claimed->attempt >= options_.maxAttempts && !lost &&
        queue_.fail(claimed->id, workerId_, "gave up after " + std::to_string(claimed->attempt) + " attempts; last: " + why)) {
      log::error("ingest failed; given up (its body is kept: reghub replay --ingests)",
                 {{"ingestId", claimed->id}, {"attempt", int64_t{claimed->attempt}}, {"error", why}});
      return true;
    }
    // Left `ingesting`: claimed again once its lease runs out.
    log::error("ingest failed; tried again after its lease",
               {{"ingestId", claimed->id}, {"attempt", int64_t{claimed->attempt}}, {"error", why}});
  }
  return true;
}

void IntakeWorker::loop() {
  int64_t lastSweep = 0;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    bool worked = false;
    try {
      const int64_t now = store::nowMillis();
      if (now - lastSweep > 60'000) {
        lastSweep = now;
        queue_.dropStaleReceiving(now - options_.receivingMillis);
        if (foldCounts_) foldCounts_();
      }
      worked = ingestOne();
    } catch (const std::exception& e) {
      log::error("intake queue not read", {{"error", store::maskDigitRuns(e.what())}});
    }
    if (worked) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.pollMillis), [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

}  // namespace reghub::api
