#include "hub/engine/adapter_registry.h"

#include <map>
#include <stdexcept>

namespace reghub::engine {

namespace {
std::map<std::string, AdapterFactory, std::less<>>& table() {
  static std::map<std::string, AdapterFactory, std::less<>> t;
  return t;
}
}  // namespace

void AdapterRegistry::add(AdapterFactory factory) {
  std::string name = factory.name;
  auto [it, inserted] = table().emplace(std::move(name), std::move(factory));
  if (!inserted) throw std::logic_error("adapter registered twice: " + it->first);
}

std::vector<std::string> AdapterRegistry::registeredNames() {
  std::vector<std::string> names;
  for (const auto& [name, f] : table()) names.push_back(name);
  return names;
}

const AdapterFactory* AdapterRegistry::factory(std::string_view name) {
  const auto it = table().find(name);
  return it == table().end() ? nullptr : &it->second;
}

std::unique_ptr<Adapter> AdapterRegistry::create(std::string_view name, const config::Config& config) {
  const AdapterFactory* f = factory(name);
  if (!f) return nullptr;
  config.checkSection(f->name, f->keys(), "`reghub run --help` lists the " + f->name + " keys");
  return f->build(config);
}

std::vector<std::unique_ptr<Adapter>> AdapterRegistry::createAll(const config::Config& config) {
  std::vector<std::unique_ptr<Adapter>> all;
  for (const auto& [name, f] : table()) all.push_back(create(name, config));
  return all;
}

void Adapter::inspectSource(const SourceDocument&, const RunContext&, const diag::Reporter&) const {}

std::unique_ptr<const PreparedCitizen> Adapter::prepare(const model::Citizen& citizen,
                                                        const std::vector<const model::Forloeb*>& selected,
                                                        const RunContext& ctx, const diag::Reporter& out) const {
  validate(citizen, selected, ctx, out);
  return std::make_unique<const PreparedCitizen>(citizen, selected, ctx);
}

std::vector<OutboundMessage> Adapter::render(const PreparedCitizen& prepared,
                                             const std::vector<const model::Forloeb*>& clean,
                                             const PriorDeliveries& prior) const {
  return render(prepared.citizen(), clean, prepared.ctx(), prior);
}

}  // namespace reghub::engine

namespace reghub::engine {

void Adapter::synthesize(const SynthCitizen&, SynthRng&, bool, std::vector<std::string>&,
                         std::vector<SeededMistake>&) const {}

uint64_t SynthRng::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int SynthRng::uniform(int lo, int hi) {
  return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
}

bool SynthRng::chance(double p) {
  return static_cast<double>(next() >> 11) * 0x1.0p-53 < p;
}

}  // namespace reghub::engine
