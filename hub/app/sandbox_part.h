#pragma once
// A registry's sandbox (its local stand-in service) as a life-cycle part:
// `reghub sandbox` runs one, `reghub demo` one per adapter in front of the hub.
#include <memory>
#include <string>

#include "hub/app/lifecycle.h"
#include "hub/engine/adapter.h"

namespace reghub::app {

class SandboxPart final : public Part {
 public:
  // `adapter` is shared with whoever built it; the sandbox is made on start().
  SandboxPart(std::shared_ptr<const engine::Adapter> adapter, engine::SandboxOptions options);
  std::string_view name() const override { return name_; }
  // Makes and starts the sandbox; throws when the adapter has none or it
  // cannot start (port in use, TLS files).
  void start() override;
  void stop() noexcept override;  // idempotent

  const engine::Adapter& adapter() const { return *adapter_; }
  // The running sandbox; null when stopped.
  const engine::Sandbox* sandbox() const { return sandbox_.get(); }

 private:
  std::shared_ptr<const engine::Adapter> adapter_;
  engine::SandboxOptions options_;
  std::string name_;
  std::unique_ptr<engine::Sandbox> sandbox_;
};

}  // namespace reghub::app
