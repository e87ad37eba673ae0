#include "hub/api/registry_state_report.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>
#include <sstream>

#include "hub/api/status_report.h"

namespace reghub::api {

namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
void str(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void kv(Writer& w, const char* k, const std::string& v) {
  w.Key(k);
  str(w, v);
}
}  // namespace

RegistryState readRegistryState(store::RegistryMirror& mirror) {
  RegistryState s;
  s.syncs = mirror.syncs();
  std::set<std::string> registries;
  for (const auto& x : s.syncs) registries.insert(x.registry);
  for (const std::string& r : registries)
    for (auto& rec : mirror.records(r, {}, true, kMaxForeign)) s.foreign.push_back(std::move(rec));
  s.tasks = mirror.tasks();
  return s;
}

std::string registryStateJson(const RegistryState& state) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("syncs");
  w.StartArray();
  for (const auto& s : state.syncs) {
    w.StartObject();
    kv(w, "registry", s.registry);
    kv(w, "kommune", s.kommune);
    kv(w, "at", isoTime(s.at));
    w.Key("held"), w.Int64(s.held);
    w.Key("notSentByTheHub"), w.Int64(s.foreign);
    w.Key("added"), w.Uint64(s.counts.added);
    w.Key("changed"), w.Uint64(s.counts.changed);
    w.Key("gone"), w.Uint64(s.counts.gone);
    w.EndObject();
  }
  w.EndArray();
  w.Key("notSentByTheHub");
  w.StartArray();
  for (const auto& r : state.foreign) {
    w.StartObject();
    kv(w, "registry", r.registry);
    kv(w, "kommune", r.kommune);
    kv(w, "recordId", r.recordId);
    kv(w, "kind", r.kind);
    kv(w, "group", r.groupId);
    kv(w, "citizen", r.citizenMasked);
    kv(w, "firstSeen", isoTime(r.firstSeen));
    w.EndObject();
  }
  w.EndArray();
  w.Key("tasks");
  w.StartArray();
  for (const auto& t : state.tasks) {
    w.StartObject();
    kv(w, "key", t.key);
    kv(w, "registry", t.registry);
    kv(w, "kommune", t.kommune);
    kv(w, "kind", t.kind);
    kv(w, "forloeb", t.forloebKey);
    kv(w, "citizen", t.citizenMasked);
    kv(w, "reason", t.reason);
    kv(w, "openedAt", isoTime(t.openedAt));
    w.Key("steps");
    w.StartArray();
    for (const auto& s : t.steps) {
      w.StartObject();
      kv(w, "recordId", s.recordId);
      kv(w, "kind", s.kind);
      kv(w, "text", s.text);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return b.GetString();
}

std::string registryStateText(const RegistryState& state) {
  std::ostringstream out;
  if (state.syncs.empty()) return out.str();
  out << "\nread back from the registries (last sync):\n";
  for (const auto& s : state.syncs)
    out << "  " << s.registry << " " << s.kommune << ": " << s.held << " records at " << isoTime(s.at) << ", "
        << s.foreign << " not sent by the hub\n";
  size_t shown = 0;
  for (const auto& r : state.foreign) {
    if (r.kind != "ANM" && !r.groupId.empty() && r.groupId != r.recordId) continue;  // one line per case
    if (++shown > 20) break;
    out << "    " << r.registry << " case " << r.groupId << " (" << r.kind << " " << r.recordId << ") " << r.citizenMasked
        << ", kommune " << r.kommune << ": made outside the hub\n";
  }
  out << (state.tasks.empty() ? "manual tasks: none open\n"
                              : "manual tasks: " + std::to_string(state.tasks.size()) +
                                    " open (reghub <registry> tasks lists the steps)\n");
  return out.str();
}

}  // namespace reghub::api
