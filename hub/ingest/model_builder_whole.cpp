// ModelBuilder: whole Bundles handed over at once (see model_builder.h).
//
// One Bundle per citizen is how most case systems export, and how a run of
// a whole population looks; assembling such a citizen while its Bundle is
// hot and letting the observer work on it at once keeps ingest streaming.
// The observer holds its results until the end of the input: a later
// document may still touch the citizen (a delta), and then the provisional
// citizen is retracted and its document read again.
#include <rapidjson/document.h>

#include <algorithm>
#include <functional>

#include "hub/ingest/model_builder.h"
#include "hub/state/spill_store.h"

namespace reghub::ingest {

namespace {

using Kind = DecodedResource::Kind;

// Names are hashed: an index entry costs 16 bytes, not a key string. Two
// names that collide only retract a citizen needlessly (it comes again,
// assembled with the rest) — never the other way round.
enum class NameKind : uint64_t { kPatient = 1, kCpr = 2, kForloeb = 3, kOrganization = 4 };
uint64_t nameHash(NameKind kind, std::string_view key) {
  return std::hash<std::string_view>{}(key) ^ (static_cast<uint64_t>(kind) * 0x9e3779b97f4a7c15ULL);
}

struct DiscardSink final : diag::Sink {
  void report(diag::Diagnostic) override {}
};

}  // namespace

// What a resource is and what it names: the keys a later resource of the
// same citizen would share with it (organizations apart: shared).
std::vector<uint64_t> ModelBuilder::touchNames(const DecodedResource& d) {
  std::vector<uint64_t> out;
  switch (d.kind) {
    case Kind::kOrganization:
      out.push_back(nameHash(NameKind::kOrganization, d.key));
      return out;
    case Kind::kPatient:
      out.push_back(nameHash(NameKind::kPatient, d.key));
      if (const auto& cpr = std::get<model::Citizen>(d.payload).cpr) out.push_back(nameHash(NameKind::kCpr, cpr->digits()));
      return out;
    case Kind::kForloeb:
      out.push_back(nameHash(NameKind::kForloeb, d.key));
      break;
    default:
      for (const std::string& p : d.parentKeys) out.push_back(nameHash(NameKind::kForloeb, p));
      break;
  }
  if (!d.subjectKey.empty()) out.push_back(nameHash(NameKind::kPatient, d.subjectKey));
  return out;
}

void ModelBuilder::retractTouched(const DecodedResource& d) {
  if (emittedNames_.empty()) return;
  if (d.kind == Kind::kOrganization) {
    // The kommune's Organization comes again with every Bundle; only a
    // changed one changes the citizens that name it.
    const auto held = organizations_.find(d.key);
    if (held != organizations_.end()) {
      const auto& now = std::get<model::Organization>(d.payload);
      if (now.municipalityCode == held->second.municipalityCode && now.sor == held->second.sor &&
          now.name == held->second.name)
        return;
    }
    const auto it = emittedOrgs_.find(nameHash(NameKind::kOrganization, d.key));
    if (it == emittedOrgs_.end()) return;
    const std::vector<uint32_t> tags = std::move(it->second);
    emittedOrgs_.erase(it);
    for (const uint32_t t : tags) retract(t);
    return;
  }
  for (const uint64_t n : touchNames(d)) {
    const auto range = emittedNames_.equal_range(n);
    std::vector<uint32_t> hit;
    for (auto it = range.first; it != range.second; ++it) hit.push_back(it->second);
    for (const uint32_t tag : hit) retract(tag);
  }
}

void ModelBuilder::retract(uint64_t tagId) {
  Tag& tag = tags_.at(tagId - 1);
  if (!tag.live) return;
  tag.live = false;
  provisional_->retract(tagId);
  // Its document again: the citizen's keys are found as when it was
  // emitted, its index entries go, and its resources are held as any others
  // (silently: their diagnostics were given when they first arrived).
  Scratch again;
  rehydrating_ = &again;
  const uint64_t arrival = arrival_;
  const std::string file = file_;
  const int line = line_;
  arrival_ = tag.firstArrival - 1;  // its resources keep their places (and Type/#n keys)
  provisional_->reread(tag.docId, [this](const rapidjson::Value& root, const std::string& f, int l) {
    file_ = f;
    line_ = l;
    Aliases aliases;
    collectAliases(root, aliases);
    walk(root, ResourceSite{f, l, std::string(), std::string(), std::string()}, aliases);
  });
  arrival_ = arrival;
  file_ = file;
  line_ = line;
  rehydrating_ = nullptr;
  std::vector<BundleCitizen> citizens = bundleCitizens(again);
  if (tag.group >= citizens.size()) throw std::logic_error("bug: a retracted citizen is not in its document");
  BundleCitizen& c = citizens[tag.group];
  for (const uint64_t n : c.names) {
    const auto range = emittedNames_.equal_range(n);
    for (auto it = range.first; it != range.second;)
      it = it->second == tagId ? emittedNames_.erase(it) : std::next(it);
  }
  for (auto* list : {&c.patients, &c.members})
    for (DecodedResource* d : *list) {
      const ResourceSite site{d->source().file, d->source().line, d->source().path, {}, {}};
      hold(std::move(*d), site, false);
    }
}

// The citizens of a Bundle: its Patients grouped by CPR (in their order),
// each with its forløb and what hangs on them, and the names they hold.
std::vector<ModelBuilder::BundleCitizen> ModelBuilder::bundleCitizens(Scratch& scratch) {
  std::vector<BundleCitizen> out;
  std::vector<std::string> cprs;
  for (auto& [d, site] : scratch) {
    if (d.kind != Kind::kPatient) continue;
    const auto& cpr = std::get<model::Citizen>(d.payload).cpr;
    const auto it = cpr ? std::find(cprs.begin(), cprs.end(), cpr->digits()) : cprs.end();
    BundleCitizen* c = nullptr;
    if (it != cprs.end()) {
      c = &out[static_cast<size_t>(it - cprs.begin())];
    } else {
      c = &out.emplace_back();
      cprs.push_back(cpr ? cpr->digits() : std::string());
    }
    c->patients.push_back(&d);
    c->patientKeys.push_back(d.key);
    if (!d.orgKey.empty()) c->orgKeys.push_back(d.orgKey);
    for (const uint64_t n : touchNames(d)) c->names.push_back(n);
  }
  const auto in = [](const std::vector<std::string>& v, const std::string& k) {
    return std::find(v.begin(), v.end(), k) != v.end();
  };
  for (BundleCitizen& c : out) {
    for (auto& [d, site] : scratch)
      if (d.kind == Kind::kForloeb && in(c.patientKeys, d.subjectKey)) {
        c.forloebKeys.push_back(d.key);
        c.names.push_back(nameHash(NameKind::kForloeb, d.key));
      }
    for (auto& [d, site] : scratch) {
      if (d.kind == Kind::kPatient) continue;
      bool mine = d.kind == Kind::kForloeb ? in(c.forloebKeys, d.key) : in(c.patientKeys, d.subjectKey);
      if (!mine && d.subjectKey.empty())
        for (const std::string& p : d.parentKeys) mine = mine || in(c.forloebKeys, p);
      if (!mine) continue;
      c.members.push_back(&d);
      if (!d.orgKey.empty() && !in(c.orgKeys, d.orgKey)) c.orgKeys.push_back(d.orgKey);
    }
  }
  return out;
}

// The Bundle at hand holds whole citizens: nothing held names them, and
// every resource in it is theirs and finds its forløb and organization.
bool ModelBuilder::isWhole() const {
  std::vector<const DecodedResource*> patients, forloeb;
  std::unordered_set<std::string_view> keys;
  for (const auto& [d, site] : scratch_) {
    if (byKey_.count(d.key)) return false;          // a new version of something held
    if (!keys.insert(d.key).second) return false;   // two versions in one Bundle (bdl-7)
    if (d.kind == Kind::kPatient) patients.push_back(&d);
    if (d.kind == Kind::kForloeb) forloeb.push_back(&d);
  }
  if (patients.empty()) return false;
  const auto isPatient = [&](const std::string& k) {
    return std::any_of(patients.begin(), patients.end(), [&](auto* p) { return p->key == k; });
  };
  const auto forloebOf = [&](const std::string& k) -> const DecodedResource* {
    for (const DecodedResource* f : forloeb)
      if (f->key == k) return f;
    return nullptr;
  };
  for (const auto& [d, site] : scratch_) {
    if (d.kind == Kind::kPatient || d.kind == Kind::kForloeb)
      for (const uint64_t n : touchNames(d))
        if (heldNames_.count(n)) return false;
    if (d.kind == Kind::kPatient) {
      if (!d.orgRef.empty() && !organizations_.count(d.orgKey)) return false;
      continue;
    }
    if (d.kind == Kind::kForloeb) {
      if (!isPatient(d.subjectKey)) return false;
      if (!d.orgRef.empty() && !organizations_.count(d.orgKey)) return false;
      continue;
    }
    if (!d.subjectKey.empty() && !isPatient(d.subjectKey)) return false;
    const std::string& subject = d.subjectKey;  // (a lambda may not capture a structured binding before C++20 in clang 14)
    const bool found = std::any_of(d.parentKeys.begin(), d.parentKeys.end(), [&](const std::string& p) {
      const DecodedResource* f = forloebOf(p);
      return f && (subject.empty() || f->subjectKey == subject);
    });
    if (!found) return false;
  }
  return true;
}

bool ModelBuilder::tryEmitWhole(uint64_t docId) {
  if (!isWhole()) return false;
  std::vector<BundleCitizen> citizens = bundleCitizens(scratch_);
  for (uint32_t g = 0; g < citizens.size(); ++g) {
    BundleCitizen& c = citizens[g];
    tags_.push_back(Tag{c.patients.front()->arrival, docId, docFirstArrival_, g, true});
    const auto id = static_cast<uint32_t>(tags_.size());
    for (const uint64_t n : c.names) emittedNames_.emplace(n, id);
    for (const std::string& org : c.orgKeys) emittedOrgs_[nameHash(NameKind::kOrganization, org)].push_back(id);
    model::Citizen citizen = assemble(c.patients, c.members);
    ++emitted_;
    provisional_->emit(std::move(citizen), id);
  }
  return true;
}

// finish() with provisional citizens: they are committed and the held ones
// emitted in one order, that of their first Patient's arrival — the order a
// run that held everything would have.
void ModelBuilder::finishInOrder() {
  indexHeld();
  size_t t = 0;
  const auto commitBefore = [&](uint64_t position) {
    for (; t < tags_.size() && tags_[t].position < position; ++t)
      if (tags_[t].live) provisional_->commit(t + 1);
  };
  forEachGroup([&](const Group& g) {
    commitBefore(g.position);
    emitCitizen(g);
  });
  commitBefore(UINT64_MAX);
}

}  // namespace reghub::ingest
