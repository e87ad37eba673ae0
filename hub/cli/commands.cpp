#include "hub/cli/commands.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "hub/app/sandbox_part.h"
#include "hub/cli/args.h"
#include "hub/cli/hub_commands.h"
#include "hub/cli/stop_signals.h"
#include "hub/engine/adapter_registry.h"
#include "hub/engine/pipeline.h"
#include "hub/engine/staged_pipeline.h"
#include "hub/ingest/ingest.h"
#include "hub/util/strings.h"

namespace reghub::cli {

namespace {

bool wantsHelp(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") return true;
  return false;
}

model::Date parseAsOf(const Args& a, const std::string& option) {
  const std::string text = a.get(option);
  if (text.empty()) return model::copenhagenToday();
  const auto d = model::Date::parse(text);
  if (!d) throw UsageError("--" + option + " must be a date YYYY-MM-DD, got '" + text + "'");
  return *d;
}

// Adapters for --registry (smdb|ltt|all|a,b), out of those built from the configuration.
Adapters selectAdapters(const Adapters& all, const std::string& registry, bool allowAll) {
  if (registry == "all" && allowAll) return all;
  Adapters out;
  for (const std::string& name : util::split(registry, ',')) {
    const auto it = std::find_if(all.begin(), all.end(), [&name](const auto& a) { return a->name() == name; });
    if (it == all.end()) {
      std::string known;
      for (const auto& n : engine::AdapterRegistry::registeredNames()) known += (known.empty() ? "" : ", ") + n;
      throw UsageError("unknown registry '" + name + "'; known: " + known + (allowAll ? ", all" : ""));
    }
    out.push_back(*it);
  }
  return out;
}

// --config FILE judged as the service judges it (hub and adapter keys);
// without one, the adapters run on their defaults and environment.
Adapters adaptersFromArgs(const Args& a) { return checkAndBuildAdapters(config::Config::load(a.get("config"))); }

std::vector<const engine::Adapter*> raw(const Adapters& v) {
  std::vector<const engine::Adapter*> out;
  for (const auto& a : v) out.push_back(a.get());
  return out;
}

// Prints diagnostics as they come: JSON lines or text lines.
std::function<void(const diag::Diagnostic&)> printer(const std::string& format, std::ostream& out) {
  if (format == "json") return [&out](const diag::Diagnostic& d) { out << diag::toJsonLine(d) << "\n"; };
  return [&out](const diag::Diagnostic& d) { out << diag::toTextLine(d) << "\n"; };
}

std::string checkFormat(const Args& a) {
  const std::string f = a.get("format", "text");
  if (f != "text" && f != "json") throw UsageError("--format must be text or json, got '" + f + "'");
  return f;
}

int exitCode(bool unreadable, const diag::CallbackSink& sink) {
  if (unreadable) return kExitUsage;
  return sink.count(diag::Severity::kError) > 0 ? kExitErrors : kExitOk;
}

// Every command that reads input runs the same loop. Whole Bundles are
// worked on as they come (StagedPipeline); what a later file adds to a
// citizen is still joined with it (CONTRACT §1 "Deltas").
struct Run {
  diag::CallbackSink sink;
  engine::NoPriorDeliveries prior;
  std::unique_ptr<engine::StageSinks> stage;
  std::unique_ptr<engine::Pipeline> pipeline;
  std::unique_ptr<engine::StagedPipeline> staged;
  bool unreadable = false;

  Run(std::function<void(const diag::Diagnostic&)> print) : sink(std::move(print)) {}

  engine::PipelineStats stats() const { return staged->stats(); }

  void read(const std::vector<std::string>& paths, std::vector<const engine::Adapter*> adapters,
            const std::vector<const engine::Adapter*>& all, engine::RunContext ctx, engine::MessageSink* messages) {
    diag::Reporter reporter(sink);
    stage = std::make_unique<engine::StageSinks>(sink, messages);
    pipeline = std::make_unique<engine::Pipeline>(std::move(adapters), ctx, diag::Reporter(stage->diagnostics()),
                                                  stage->messages(), prior);
    staged = std::make_unique<engine::StagedPipeline>(*pipeline, *stage);
    pipeline->setQuestionnaireCheck([all](std::string_view q) {
      for (const engine::Adapter* a : all)
        if (a->understandsQuestionnaire(q)) return true;
      return false;
    });
    ingest::Ingestor ingestor(*staged, reporter);
    for (const std::string& p : paths) ingestor.readPath(p);
    ingestor.finish();
    unreadable = ingestor.unreadable();
  }
};

const std::vector<OptionSpec> kValidateOptions = {
    {"registry", true, "smdb, ltt or all", "all"},
    {"config", true, "configuration file with the registries' keys (the same file `reghub run` takes)", ""},
    {"format", true, "text or json (one JSON object per line)", "text"},
    {"as-of", true, "the date that counts as today (YYYY-MM-DD, Europe/Copenhagen)", "today"},
    {"help", false, "show this help", ""},
};

}  // namespace

int cmdValidate(const std::vector<std::string>& argv) {
  if (wantsHelp(argv)) {
    std::cout << "usage: reghub validate [OPTIONS] PATH...\n\n"
                 "Reads inbound FHIR (files, directories recursively, or - for stdin) and prints\n"
                 "diagnostics. Nothing is stored or sent. Exit 0: no error; 1: errors; 2: usage\n"
                 "error or unreadable input.\n\n"
              << formatOptions(kValidateOptions) << "\n" << configKeysHelp(false);
    return kExitOk;
  }
  const Args a(argv, kValidateOptions);
  if (a.positionals().empty()) throw UsageError("no input: give one or more PATHs, or - for stdin");
  const std::string format = checkFormat(a);
  const auto all = adaptersFromArgs(a);
  const auto adapters = selectAdapters(all, a.get("registry", "all"), true);
  engine::RunContext ctx;
  ctx.asOf = parseAsOf(a, "as-of");
  Run run(printer(format, std::cout));
  run.read(a.positionals(), raw(adapters), raw(all), ctx, nullptr);
  const auto st = run.stats();
  if (format == "text")
    std::cerr << st.citizens << " borgere, " << st.forloebSelected << " forløb valgt; "
              << run.sink.count(diag::Severity::kError) << " fejl, " << run.sink.count(diag::Severity::kWarning)
              << " advarsler, " << run.sink.count(diag::Severity::kInfo) << " info\n";
  return exitCode(run.unreadable, run.sink);
}

namespace {

const std::vector<OptionSpec> kTranslateOptions = {
    {"registry", true, "smdb or ltt (required)", ""},
    {"config", true, "configuration file with the registries' keys (the same file `reghub run` takes)", ""},
    {"out", true, "write each message to a file under DIR instead of stdout", ""},
    {"as-of", true, "the date that counts as today (YYYY-MM-DD)", "today"},
    {"since", true, "only deliveries from this day on (YYYY-MM-DD)", ""},
    {"format", true, "diagnostics on stderr as text or json", "text"},
    {"wrap", false, "one run wrapper per registry holding all its messages, instead of each message", ""},
    {"help", false, "show this help", ""},
};

// Keeps each adapter's messages until the end of the run (--wrap).
class MessageCollector final : public engine::MessageSink {
 public:
  void accept(engine::OutboundMessage&& m) override { messages_.push_back(std::move(m)); }
  std::vector<const engine::OutboundMessage*> of(std::string_view registry) const {
    std::vector<const engine::OutboundMessage*> out;
    for (const auto& m : messages_)
      if (m.registry == registry) out.push_back(&m);
    return out;
  }

 private:
  std::vector<engine::OutboundMessage> messages_;
};

// Writes rendered messages to stdout (with a header line each) or to files.
class MessageWriter final : public engine::MessageSink {
 public:
  explicit MessageWriter(std::string outDir) : outDir_(std::move(outDir)) {}
  void accept(engine::OutboundMessage&& m) override {
    ++count_;
    if (outDir_.empty()) {
      std::cout << "### " << m.registry << " " << m.kind << " key=" << m.idempotencyKey;
      if (!m.deliveryDay.empty()) std::cout << " day=" << m.deliveryDay;
      if (!m.dependsOn.empty()) {
        std::cout << " after=";
        for (size_t i = 0; i < m.dependsOn.size(); ++i) std::cout << (i ? "," : "") << m.dependsOn[i];
      }
      if (!m.citizenMasked.empty()) std::cout << " citizen=" << m.citizenMasked;  // none on a run wrapper
      std::cout << "\n" << m.body;
      if (m.body.empty() || m.body.back() != '\n') std::cout << "\n";
      return;
    }
    namespace fs = std::filesystem;
    const bool json = m.contentType.find("json") != std::string::npos;
    fs::path dir = fs::path(outDir_) / m.registry;
    if (!m.deliveryDay.empty()) dir /= m.deliveryDay;
    fs::create_directories(dir);
    char seq[16];
    std::snprintf(seq, sizeof seq, "%06zu", count_);
    std::string safeKey;
    for (char c : m.idempotencyKey) safeKey.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_');
    const fs::path file = dir / (std::string(seq) + "-" + m.kind + "-" + safeKey + (json ? ".json" : ".xml"));
    std::ofstream f(file, std::ios::binary);
    f << m.body;
    if (!f) throw std::runtime_error("cannot write " + file.string());
  }
  size_t count() const { return count_; }

 private:
  std::string outDir_;
  size_t count_ = 0;
};

}  // namespace

int cmdTranslate(const std::vector<std::string>& argv) {
  if (wantsHelp(argv)) {
    std::cout << "usage: reghub translate --registry smdb|ltt [OPTIONS] PATH...\n\n"
                 "Prints (or writes to --out DIR) the outbound messages the hub would send.\n"
                 "Without the delivery store it replays history day by day up to --as-of.\n"
                 "Diagnostics go to stderr; forløb with errors are not rendered.\n"
                 "--wrap prints, per registry, one wrapper message holding every message of the\n"
                 "run instead (ltt: one KLGatewayLTTIncrementalDelivery of all DeliveryReports);\n"
                 "a registry without a run wrapper (smdb) is a usage error (exit 2).\n\n"
              << formatOptions(kTranslateOptions) << "\n" << configKeysHelp(false);
    return kExitOk;
  }
  const Args a(argv, kTranslateOptions);
  if (!a.has("registry")) throw UsageError("--registry is required (smdb or ltt)");
  if (a.positionals().empty()) throw UsageError("no input: give one or more PATHs, or - for stdin");
  const std::string format = checkFormat(a);
  const auto all = adaptersFromArgs(a);
  const auto adapters = selectAdapters(all, a.get("registry"), false);
  engine::RunContext ctx;
  ctx.asOf = parseAsOf(a, "as-of");
  if (a.has("since")) ctx.since = parseAsOf(a, "since");
  const bool wrap = a.has("wrap");
  // The seam's promise: an adapter with a run wrapper wraps an empty run too,
  // so asking up front refuses --wrap before any input is read.
  if (wrap)
    for (const auto& adapter : adapters)
      if (!adapter->wrapRun({}, ctx))
        throw UsageError("--wrap: registry '" + std::string(adapter->name()) +
                         "' has no run wrapper; translate it without --wrap");
  MessageWriter writer(a.get("out"));
  MessageCollector collected;
  Run run(printer(format, std::cerr));
  run.read(a.positionals(), raw(adapters), raw(all), ctx, wrap ? static_cast<engine::MessageSink*>(&collected) : &writer);
  if (wrap)
    for (const auto& adapter : adapters)
      if (auto w = adapter->wrapRun(collected.of(adapter->name()), ctx)) writer.accept(std::move(*w));
  if (format == "text")
    std::cerr << writer.count() << " meddelelser; " << run.sink.count(diag::Severity::kError) << " fejl, "
              << run.sink.count(diag::Severity::kWarning) << " advarsler\n";
  return exitCode(run.unreadable, run.sink);
}

int cmdAdapters(const std::vector<std::string>&) {
  for (const auto& a : engine::AdapterRegistry::createAll()) std::cout << a->name() << "\t" << a->description() << "\n";
  return kExitOk;
}

namespace {
const std::vector<OptionSpec> kSandboxOptions = {
    {"port", true, "TCP port on 127.0.0.1 (0 = any free port)", "0"},
    {"config", true, "properties file with the registry's keys (e.g. smdb.sandboxAsOf)", ""},
    {"write-client-config", true, "also write the settings a hub needs to reach this sandbox to FILE", ""},
    {"help", false, "show this help", ""},
};

// The adapter's client settings for a running sandbox, as a properties file
// (endpoints, CA, dev certificates); mode 0600: it names a private key file.
void writeClientConfig(const std::string& file, const engine::Adapter& adapter, const engine::Sandbox& sandbox) {
  const auto settings = adapter.sandboxClientConfig(sandbox);
  std::ofstream out(file);
  if (!out) throw std::runtime_error("cannot write " + file);
  ::chmod(file.c_str(), 0600);
  out << "# Written by `reghub sandbox " << adapter.name() << " --write-client-config`: how a hub reaches\n"
      << "# the sandbox at " << sandbox.baseUrl() << " (dev certificates; valid while it runs).\n";
  for (const auto& [key, value] : settings) out << key << " = " << value << "\n";
  if (!out) throw std::runtime_error("cannot write " + file);
}
}  // namespace

int cmdSandbox(const std::vector<std::string>& argv) {
  if (wantsHelp(argv)) {
    std::cout << "usage: reghub sandbox REGISTRY [--port N] [--config FILE] [--write-client-config FILE]\n\n"
                 "Runs a local stand-in for the registry's service on 127.0.0.1 that enforces the\n"
                 "registry's rules, until SIGINT/SIGTERM. Prints its base URL and the CA file\n"
                 "clients must trust.\n\n"
              << formatOptions(kSandboxOptions);
    return kExitOk;
  }
  const Args a(argv, kSandboxOptions);
  if (a.positionals().size() != 1) throw UsageError("give exactly one registry, e.g. reghub sandbox ltt");
  const std::string name = a.positionals()[0];
  if (!engine::AdapterRegistry::factory(name)) selectAdapters({}, name, false);  // the usage error naming the known ones
  // Only that registry's section matters to its sandbox.
  const std::shared_ptr<const engine::Adapter> adapter =
      engine::AdapterRegistry::create(name, config::Config::load(a.get("config")));
  engine::SandboxOptions options;
  const std::string port = a.get("port", "0");
  try {
    size_t used = 0;
    options.port = std::stoi(port, &used);
    if (used != port.size() || options.port < 0 || options.port > 65535) throw std::out_of_range(port);
  } catch (const std::exception&) {
    throw UsageError("--port must be a number 0-65535, got '" + port + "'");
  }
  const sigset_t stopSignals = blockStopSignals();  // before any server thread starts
  app::Lifecycle life;
  auto owned = std::make_unique<app::SandboxPart>(adapter, options);
  const app::SandboxPart& part = *owned;  // owned by `life` from here on
  life.add(std::move(owned));
  life.start();
  const engine::Sandbox& sandbox = *part.sandbox();
  std::cout << "sandbox " << adapter->name() << " listening on " << sandbox.baseUrl() << "\n";
  if (!sandbox.caFile().empty()) std::cout << "CA file: " << sandbox.caFile() << "\n";
  if (a.has("write-client-config")) {
    writeClientConfig(a.get("write-client-config"), *adapter, sandbox);
    std::cout << "client config: " << a.get("write-client-config") << "\n";
  }
  std::cout.flush();
  waitForStopSignal(stopSignals);
  life.stop();
  std::cerr << "sandbox stopped\n";
  return kExitOk;
}

const std::vector<Command>& allCommands() {
  static const std::vector<Command> commands = {
      {"validate", "read inbound FHIR and print diagnostics", cmdValidate},
      {"translate", "print the outbound messages the hub would send", cmdTranslate},
      {"synth", "write a synthetic inbound data set (NDJSON)", cmdSynth},
      {"adapters", "list the registered registry adapters", cmdAdapters},
      {"ingest", "validate and queue into the delivery store", cmdIngest},
      {"run", "the service: HTTP(S) intake, status API, delivery workers", cmdRun},
      {"status", "delivery status (counts, rejections by rule, forløb history)", cmdStatus},
      {"replay", "send dead or rejected messages again", cmdReplay},
      {"rekey", "seal what is stored under older keys again with store.key (resumable)", cmdRekey},
      {"prune", "remove the personal data of messages accepted longer ago than retention.<registry>.days", cmdPrune},
      {"demo", "the whole flow end to end on a temp store against the sandboxes", cmdDemo},
      {"sandbox", "run a registry's local stand-in service (HTTPS on 127.0.0.1)", cmdSandbox},
      {"check", "prove a registry setup (token, test call) without sending data", cmdCheck},
      {"config", "check a configuration file (config check --config FILE)", cmdConfig},
  };
  return commands;
}

}  // namespace reghub::cli
