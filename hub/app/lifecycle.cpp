#include "hub/app/lifecycle.h"

#include <stdexcept>

namespace reghub::app {

namespace {

class FunctionPart final : public Part {
 public:
  FunctionPart(std::string name, std::function<void()> start, std::function<void()> stop)
      : name_(std::move(name)), start_(std::move(start)), stop_(std::move(stop)) {}
  std::string_view name() const override { return name_; }
  void start() override {
    if (start_) start_();
  }
  void stop() noexcept override {
    if (stop_) stop_();
  }

 private:
  std::string name_;
  std::function<void()> start_, stop_;
};

}  // namespace

std::unique_ptr<Part> makePart(std::string name, std::function<void()> start, std::function<void()> stop) {
  return std::make_unique<FunctionPart>(std::move(name), std::move(start), std::move(stop));
}

Lifecycle::~Lifecycle() { stop(); }

Part& Lifecycle::add(std::unique_ptr<Part> part) {
  // Adding to a running life cycle would leave the new part out of this start.
  if (running()) throw std::logic_error("Lifecycle::add after start: " + std::string(part->name()));
  parts_.push_back(std::move(part));
  return *parts_.back();
}

Part& Lifecycle::adopt(std::unique_ptr<Part> running) {
  // A running part behind parts not yet started would break "started ones
  // are a prefix", which stop() relies on.
  if (started_ != parts_.size())
    throw std::logic_error("Lifecycle::adopt before start: " + std::string(running->name()));
  parts_.push_back(std::move(running));
  ++started_;
  return *parts_.back();
}

void Lifecycle::start() {
  if (running()) return;
  try {
    for (; started_ < parts_.size(); ++started_) parts_[started_]->start();
  } catch (...) {
    stop();  // what started before the failing part, in reverse
    throw;
  }
}

void Lifecycle::stop() noexcept {
  while (started_ > 0) parts_[--started_]->stop();
}

std::vector<std::string> Lifecycle::names() const {
  std::vector<std::string> out;
  for (const auto& p : parts_) out.emplace_back(p->name());
  return out;
}

}  // namespace reghub::app
