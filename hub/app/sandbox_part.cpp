#include "hub/app/sandbox_part.h"

#include <stdexcept>

namespace reghub::app {

SandboxPart::SandboxPart(std::shared_ptr<const engine::Adapter> adapter, engine::SandboxOptions options)
    : adapter_(std::move(adapter)), options_(options), name_("sandbox " + std::string(adapter_->name())) {}

void SandboxPart::start() {
  if (sandbox_) return;
  auto sandbox = adapter_->makeSandbox(options_);
  if (!sandbox) throw std::runtime_error("no sandbox");
  sandbox->start();
  sandbox_ = std::move(sandbox);
}

void SandboxPart::stop() noexcept {
  if (!sandbox_) return;
  sandbox_->stop();
  sandbox_.reset();
}

}  // namespace reghub::app
