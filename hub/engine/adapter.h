#pragma once
// The adapter seam (ARCHITECTURE.md "The adapter seam"). One adapter per
// registry, in its own folder under adapters/, registered by name. The hub
// never names a registry; it asks every registered adapter.
//
// Duties: select (does this forløb concern my registry?), validate (every
// rule, as diagnostics), render (pure: canonical → wire messages),
// deliver (one attempt, classified), sandbox (local stand-in service).
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "hub/diag/reporter.h"
#include "hub/engine/credential_info.h"
#include "hub/engine/deadline.h"
#include "hub/engine/outbound_message.h"
#include "hub/ingest/source_document.h"
#include "hub/model/citizen.h"

namespace reghub::engine {

// Facts every rule and renderer may depend on; fixed for a run so results
// are reproducible (CONTRACT §3 --as-of / --since).
// Configuration is not part of it: an adapter is built from its settings
// once, at start-up (adapter_registry.h), and holds them.
class PriorDeliveries;

struct RunContext {
  model::Date asOf;                  // "today" (Europe/Copenhagen)
  std::optional<model::Date> since;  // translate --since
  // The delivery store keeps each citizen's state and this run renders one
  // delivery as of asOf: what is new or changed since the citizen was last
  // rendered is marked SourceRef::fresh (registries that report only news,
  // like LTT, send just that). False: a stateless run replays history.
  bool delta = false;
  // What the registries hold, as the hub last read them (a sync), for rules
  // that depend on the registry's state (SMDB: one active sag per citizen).
  // Null: nothing is known (validate, translate).
  const PriorDeliveries* registry = nullptr;
};

using ingest::SourceDocument;

// What the registry already has for a message key (from the delivery store;
// empty in `translate`, which replays history instead).
class PriorDeliveries {
 public:
  virtual ~PriorDeliveries() = default;
  // Content hash last accepted (or queued) for this idempotency key.
  virtual std::optional<std::string> lastContentHash(std::string_view idempotencyKey) const = 0;
  // The registry's id for an earlier accepted message (SMDB ids), if known:
  // from its receipt, else from what a sync read back from the registry.
  virtual std::optional<std::string> registryId(std::string_view idempotencyKey) const = 0;
  // The records the registry holds for a citizen (every kommune), as the last
  // sync read them; also those the hub never sent. Default: none known.
  virtual std::vector<RegistryRecord> registryRecords(std::string_view /*registry*/, const std::string& /*cpr*/) const {
    return {};
  }
  // The codes of a reference list the registry serves, as the last sync read
  // it (SMDB: "tilbud", "lande"). Null: never read.
  virtual std::shared_ptr<const std::set<std::string>> registryList(std::string_view /*registry*/,
                                                                    std::string_view /*name*/) const {
    return nullptr;
  }
};

// What the outbox knows when it hands a message over: which attempt this is,
// and what the registry is known to hold (ids learned since the message was
// rendered: a dependency accepted meanwhile, a sync).
struct DeliveryContext {
  int attempt = 1;
  // This key was handed to the registry before (an earlier attempt, a
  // message this one superseded, a replay): its answer may have been lost.
  bool sentBefore = false;
  const PriorDeliveries* registry = nullptr;  // null: nothing known
};

// Makes one delivery attempt per call and classifies the answer. Made by
// the adapter from its built settings; may keep connections. Not required to be thread-safe:
// the engine creates one per worker.
class Deliverer {
 public:
  virtual ~Deliverer() = default;
  virtual DeliveryResult deliver(const OutboundMessage& message) = 0;
  // The outbox calls this one; a registry that refers to its own ids binds
  // them here, at the last moment. Default: deliver(message).
  virtual DeliveryResult deliver(const OutboundMessage& message, const DeliveryContext& /*ctx*/) {
    return deliver(message);
  }
};

// Where a sync writes what it read: the hub's picture of the registry
// (hub/store/registry_mirror.h, through hub/app). Does I/O; throws on store failure.
class RegistryStateSink {
 public:
  virtual ~RegistryStateSink() = default;
  // One kommune's complete answer (4-digit code): replaces what was held.
  virtual SyncCounts replace(const std::string& kommune, const std::vector<RegistryRecord>& records) = 0;
  // A reference list the registry serves (code → label), and when it was last read (0: never).
  virtual void replaceList(const std::string& /*name*/,
                           const std::vector<std::pair<std::string, std::string>>& /*entries*/) {}
  virtual int64_t listFetchedAt(const std::string& /*name*/) { return 0; }
};

// Reads what the registry holds (SMDB's HentData) — before a delivery run,
// and on demand. Made by the adapter from its built settings; one per run.
class RegistrySync {
 public:
  struct KommuneResult {
    std::string kommune;  // 4 digits; or the action that read a reference list (referenceList)
    SyncCounts counts;    // for a list: seen = its entries
    std::string error;    // empty: read and replaced; else why not (nothing replaced)
    bool referenceList = false;
  };
  virtual ~RegistrySync() = default;
  // Each kommune (4-digit) read and handed to `sink` whole; a kommune that
  // cannot be read is reported and leaves what was held untouched.
  virtual std::vector<KommuneResult> sync(const std::vector<std::string>& kommuner, RegistryStateSink& sink) = 0;
};

// A local stand-in for the registry's service (tests, demo, vendors).
class Sandbox {
 public:
  virtual ~Sandbox() = default;
  virtual void start() = 0;  // throws on I/O failure (port in use, TLS files)
  virtual void stop() = 0;
  virtual int port() const = 0;
  // Base URL deliverers should use, e.g. "https://127.0.0.1:8443".
  virtual std::string baseUrl() const = 0;
  // PEM file of the CA clients must trust to reach the sandbox (its dev
  // TLS certificate), or empty when it needs none.
  virtual std::string caFile() const { return {}; }
};

// The sandbox's own settings (TLS directory, its "today") are part of the
// adapter's settings, built with it.
struct SandboxOptions {
  int port = 0;  // 0 = any free loopback port
};

// A generated citizen (reghub synth). The Patient and the municipality
// Organization are written by the hub; adapters add forløb referring to them.
struct SynthCitizen {
  std::string patientRef;        // "Patient/<id>" (also the fullUrl form used)
  std::string organizationRef;   // "Organization/<id>" of the myndighedskommune
  std::string municipalityCode;  // 4 digits, e.g. "0330"
  std::string sor;               // SOR code of the journal-holding unit
  model::Cpr cpr;                // synthetic
  model::Date asOf;              // data is generated up to this day
  int index = 0;                 // citizen number in the run
};

// Deterministic random source for synth (splitmix64; same seed, same data).
class SynthRng {
 public:
  explicit SynthRng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  int uniform(int lo, int hi);  // inclusive
  bool chance(double p);
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<size_t>(uniform(0, static_cast<int>(v.size()) - 1))]; }

 private:
  uint64_t state_;
};

struct SeededMistake {
  std::string registry;
  std::string rule;        // the rule id the hub must report
  std::string forloebKey;  // which forløb carries it
  std::string description;
};

// What an adapter built for one citizen while validating (its views,
// reports and their validation results), so that rendering uses them
// instead of building and checking everything again. Made by
// Adapter::prepare(), consumed by Adapter::render(prepared, …) for the same
// citizen. Borrows the citizen and its forløb (they must outlive it); holds
// a copy of the run's facts. Immutable once made.
class PreparedCitizen {
 public:
  PreparedCitizen(const model::Citizen& citizen, std::vector<const model::Forloeb*> selected, const RunContext& ctx)
      : citizen_(citizen), selected_(std::move(selected)), ctx_(ctx) {}
  virtual ~PreparedCitizen() = default;
  PreparedCitizen(const PreparedCitizen&) = delete;
  PreparedCitizen& operator=(const PreparedCitizen&) = delete;

  const model::Citizen& citizen() const { return citizen_; }
  const std::vector<const model::Forloeb*>& selected() const { return selected_; }
  const RunContext& ctx() const { return ctx_; }

 private:
  const model::Citizen& citizen_;
  std::vector<const model::Forloeb*> selected_;
  RunContext ctx_;
};

class Adapter {
 public:
  virtual ~Adapter() = default;

  virtual std::string_view name() const = 0;         // "smdb", "ltt"
  virtual std::string_view description() const = 0;  // one line for --help

  // Raw look at each top-level input document before it is unpacked.
  // Default: nothing.
  virtual void inspectSource(const SourceDocument& doc, const RunContext& ctx, const diag::Reporter& out) const;

  // Does this adapter read QuestionnaireResponses of this questionnaire
  // (canonical)? A form no adapter understands is a HUB-FORM-01 warning.
  virtual bool understandsQuestionnaire(std::string_view) const { return false; }

  // Does this forløb concern my registry? Explain a skip worth telling
  // (no CPR, selvbetaler, …) as a diagnostic.
  virtual bool selects(const model::Citizen& citizen, const model::Forloeb& forloeb, const RunContext& ctx,
                       const diag::Reporter& out) const = 0;

  // Does this citizen concern my registry even when none of its forløb is
  // selected (a registry that reports other resources too, e.g. a referral
  // that arrives before any forløb exists)? Then prepare() and render() are
  // called with the selected forløb, possibly none; the adapter's own
  // diagnostics decide what is not sent. Default: no.
  virtual bool selectsCitizen(const model::Citizen& /*citizen*/, const RunContext& /*ctx*/,
                              const diag::Reporter& /*out*/) const {
    return false;
  }

  // Every rule of the registry over one citizen's selected forløb.
  virtual void validate(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                        const RunContext& ctx, const diag::Reporter& out) const = 0;

  // Pure: the messages for one citizen's selected forløb, each with its
  // idempotency key, content hash and dependencies. Only content that
  // passed validate() is rendered (the caller drops forløb with errors).
  virtual std::vector<OutboundMessage> render(const model::Citizen& citizen,
                                              const std::vector<const model::Forloeb*>& selected,
                                              const RunContext& ctx, const PriorDeliveries& prior) const = 0;

  // The pipeline's per-citizen path, which does each piece of work once:
  // prepare() reports exactly what validate() reports and keeps what it
  // built; render(prepared, clean, prior) gives exactly what
  // render(citizen, clean, ctx, prior) gives, where `clean` is the part of
  // prepared.selected() without errors (in its order). The defaults call
  // validate() and render(); an adapter that builds its messages while
  // validating overrides both.
  virtual std::unique_ptr<const PreparedCitizen> prepare(const model::Citizen& citizen,
                                                         const std::vector<const model::Forloeb*>& selected,
                                                         const RunContext& ctx, const diag::Reporter& out) const;
  virtual std::vector<OutboundMessage> render(const PreparedCitizen& prepared,
                                              const std::vector<const model::Forloeb*>& clean,
                                              const PriorDeliveries& prior) const;

  // Transport from the adapter's settings (endpoint, TLS), checked when the
  // adapter was built. nullptr: the operator has not configured this
  // registry for delivery (no endpoint) — it validates and renders only.
  // May throw on I/O (an unreadable CA file).
  virtual std::unique_ptr<Deliverer> makeDeliverer() const = 0;
  // Where makeDeliverer()'s deliverers send to (for start-up messages and
  // `reghub config check`); empty when not configured for delivery.
  virtual std::string deliveryTarget() const { return {}; }
  // The certificates the adapter's deliverers authenticate with (loaded when
  // the adapter was built), for the expiry warnings. Default: none.
  virtual std::vector<CredentialInfo> credentials() const { return {}; }

  // The registry's reporting deadline (deadline.h) for the dashboard's
  // traffic lights. Default: none declared (the dashboard says so).
  virtual std::shared_ptr<const DeadlineRule> deadlineRule() const { return nullptr; }

  // Reading the registry back (ids, records made elsewhere), when the
  // registry has a read service and delivery is configured. Default: none.
  virtual std::unique_ptr<RegistrySync> makeSync() const { return nullptr; }
  // Kommuner to sync besides those the store has messages for (settings).
  virtual std::vector<std::string> syncKommuner() const { return {}; }

  // Work a person must do in the registry for this citizen because the
  // registry's API cannot (SMDB: deleting what was withdrawn at the source),
  // given what the registry holds (`prior`). Sees every forløb, selected or
  // not. Pure. Default: none.
  virtual std::vector<ManualTask> tasks(const model::Citizen& /*citizen*/, const RunContext& /*ctx*/,
                                        const PriorDeliveries& /*prior*/) const {
    return {};
  }

  virtual std::unique_ptr<Sandbox> makeSandbox(const SandboxOptions& options) const = 0;

  // The adapter's configuration keys that point its Deliverer at a running
  // sandbox (endpoint, CA file), e.g. {"x.endpoint": sandbox.baseUrl()}.
  // Used by `reghub demo` (it builds the adapters again with these), which
  // must not know any adapter's key names.
  // Default: none (the demo then says it cannot deliver to that sandbox).
  virtual std::map<std::string, std::string> sandboxClientConfig(const Sandbox&) const { return {}; }

  // `reghub synth`: add this registry's forløb for one generated citizen as
  // inbound FHIR resources (JSON text, CONTRACT §1). With
  // request.seedMistake, break exactly one rule and record its id in
  // `seeded`. Deterministic for the rng state. Default: nothing.
  virtual void synthesize(const SynthCitizen& citizen, SynthRng& rng, bool seedMistake,
                          std::vector<std::string>& resources, std::vector<SeededMistake>& seeded) const;

  // `reghub translate --wrap`: one message that carries every message this
  // adapter rendered in the run (in render order), for registries that take
  // a whole run as one delivery. Pure; same content gives the same
  // idempotency key. nullopt: the registry has no run wrapper (default).
  // An empty run still yields a wrapper where the registry allows one.
  virtual std::optional<OutboundMessage> wrapRun(const std::vector<const OutboundMessage*>& /*run*/,
                                                 const RunContext& /*ctx*/) const {
    return std::nullopt;
  }
};

}  // namespace reghub::engine
