#pragma once
// One start/stop life cycle for the parts of the hub (store, intake,
// workers, HTTP server, sandboxes) — a small equivalent of Poco's
// Util::Subsystem list in an Application, without its global state:
// start() starts the parts in the order they were added, stop() stops the
// started ones in reverse. A part whose start() throws is not stopped; the
// parts started before it are (in reverse), and the exception propagates
// unchanged. Not thread-safe: one controlling thread.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace reghub::app {

class Part {
 public:
  virtual ~Part() = default;
  virtual std::string_view name() const = 0;
  // May throw (bind, open, TLS files); then it must have left nothing running.
  virtual void start() = 0;
  // Only called after start() succeeded, once per start. Must not throw.
  virtual void stop() noexcept = 0;
};

// A part from two functions (what most parts are: open this, close that).
std::unique_ptr<Part> makePart(std::string name, std::function<void()> start, std::function<void()> stop = {});

class Lifecycle {
 public:
  Lifecycle() = default;
  ~Lifecycle();  // stop()
  Lifecycle(const Lifecycle&) = delete;
  Lifecycle& operator=(const Lifecycle&) = delete;

  // Before start(); returns the part (owned here) for callers that need it.
  Part& add(std::unique_ptr<Part> part);
  // Takes a part its caller already started (one whose failure the caller
  // tolerates, e.g. an optional sandbox): it is stopped with the others, in
  // reverse. Only while every part added so far is running.
  Part& adopt(std::unique_ptr<Part> running);
  // Starts every part in order; a no-op while running. On a throw, what
  // started is stopped in reverse and the exception rethrown.
  void start();
  // Stops the started parts in reverse order. Idempotent; start() may follow.
  void stop() noexcept;
  bool running() const { return started_ > 0; }
  // The names, in start order (diagnostics, tests).
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<Part>> parts_;
  size_t started_ = 0;  // parts_[0, started_) are running
};

}  // namespace reghub::app
