#include "hub/api/status_report.h"

#include "hub/api/credential_report.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

namespace reghub::api {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
void str(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void key(Writer& w, const char* k) { w.Key(k); }

std::string pad(std::string s, size_t n) {
  // Pads by bytes; good enough for the ASCII columns used here.
  if (s.size() < n) s.resize(n, ' ');
  return s;
}

}  // namespace

std::string isoTime(int64_t millis) {
  const std::time_t secs = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis % 1000));
  return buf;
}

std::string statusJson(const std::vector<store::StateCount>& counts, const std::vector<store::RejectionGroup>& rejections,
                       const std::vector<store::ParkedResource>& parked,
                       const std::vector<engine::CredentialInfo>& credentials,
                       const std::vector<store::FailedIngest>& failedIngests) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key(w, "counts");
  w.StartArray();
  for (const auto& c : counts) {
    w.StartObject();
    key(w, "registry"), str(w, c.registry);
    key(w, "kommune"), str(w, c.kommune);
    key(w, "state"), str(w, std::string(store::toString(c.state)));
    key(w, "count"), w.Int64(c.count);
    w.EndObject();
  }
  w.EndArray();
  key(w, "rejections");
  w.StartArray();
  for (const auto& r : rejections) {
    w.StartObject();
    key(w, "registry"), str(w, r.registry);
    key(w, "source"), str(w, r.source);
    key(w, "rule"), str(w, r.rule);
    key(w, "severity"), str(w, r.severity);
    key(w, "count"), w.Int64(r.count);
    w.EndObject();
  }
  w.EndArray();
  key(w, "parked");
  w.StartObject();
  key(w, "count"), w.Int64(static_cast<int64_t>(parked.size()));
  key(w, "expired"), w.Int64(std::count_if(parked.begin(), parked.end(), [](const auto& p) { return p.expired; }));
  if (!parked.empty()) key(w, "oldestSince"), str(w, isoTime(parked.front().since));
  key(w, "resources");
  w.StartArray();
  for (const auto& p : parked) {
    w.StartObject();
    key(w, "type"), str(w, p.type);
    key(w, "waitingFor"), str(w, p.waitingFor);
    key(w, "file"), str(w, p.file);
    key(w, "since"), str(w, isoTime(p.since));
    key(w, "rule"), str(w, p.expired ? "HUB-REF-01" : "HUB-STATE-01");
    key(w, "severity"), str(w, p.expired ? "error" : "info");
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  if (!failedIngests.empty()) {
    key(w, "failedIngests");
    w.StartArray();
    for (const auto& f : failedIngests) {
      w.StartObject();
      key(w, "ingestId"), str(w, f.id);
      key(w, "at"), str(w, isoTime(f.createdAt));
      key(w, "source"), str(w, f.source);
      key(w, "attempts"), w.Int64(f.attempts);
      key(w, "failure"), str(w, f.failure);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!credentials.empty()) {
    key(w, "certificates");
    const std::string certs = credentialsJson(credentials, store::nowMillis());
    w.RawValue(certs.data(), certs.size(), rapidjson::kArrayType);
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string statusText(const std::vector<store::StateCount>& counts, const std::vector<store::RejectionGroup>& rejections,
                       const std::vector<store::ParkedResource>& parked,
                       const std::vector<store::FailedIngest>& failedIngests) {
  // registry × kommune rows, one column per state.
  const std::vector<store::MessageState> cols = {store::MessageState::kPending, store::MessageState::kSending,
                                                 store::MessageState::kRetryWait, store::MessageState::kAccepted,
                                                 store::MessageState::kRejected, store::MessageState::kDead};
  std::map<std::pair<std::string, std::string>, std::map<store::MessageState, int64_t>> table;
  for (const auto& c : counts) table[{c.registry, c.kommune}][c.state] += c.count;
  std::ostringstream out;
  out << pad("registry", 10) << pad("kommune", 9);
  for (auto s : cols) out << pad(std::string(store::toString(s)), 12);
  out << "\n";
  if (table.empty()) out << "(no messages)\n";
  for (const auto& [k, row] : table) {
    out << pad(k.first, 10) << pad(k.second.empty() ? "-" : k.second, 9);
    for (auto s : cols) {
      const auto it = row.find(s);
      out << pad(std::to_string(it == row.end() ? 0 : it->second), 12);
    }
    out << "\n";
  }
  if (!rejections.empty()) {
    out << "\nrejections and validation problems by rule:\n";
    for (const auto& r : rejections)
      out << "  " << pad(std::to_string(r.count), 7) << pad(r.registry, 8) << pad(r.source, 11) << pad(r.severity, 8)
          << r.rule << "\n";
  }
  if (!parked.empty()) {
    const auto expired = std::count_if(parked.begin(), parked.end(), [](const auto& p) { return p.expired; });
    out << "\nwaiting for their Patient: " << parked.size() << " (oldest since " << isoTime(parked.front().since)
        << ")";
    if (expired > 0) out << "; " << expired << " past state.parkedDays are HUB-REF-01 errors";
    out << "\n";
    size_t shown = 0;
    for (const auto& p : parked) {
      if (++shown > 20) {
        out << "  … " << parked.size() - 20 << " more (--format json lists them all)\n";
        break;
      }
      out << "  " << pad(p.expired ? "error" : "waiting", 8) << pad(p.expired ? "HUB-REF-01" : "HUB-STATE-01", 13)
          << pad(isoTime(p.since), 22) << p.type << " → " << p.waitingFor << "  (" << p.file << ")\n";
    }
  }
  if (!failedIngests.empty()) {
    out << "\ningests given up after their last attempt (body kept; reghub replay --ingests): "
        << failedIngests.size() << "\n";
    for (const auto& f : failedIngests)
      out << "  " << pad(isoTime(f.createdAt), 26) << f.id << "  " << f.attempts << " attempts  " << f.failure << "\n";
  }
  return out.str();
}

std::string historyJson(const std::vector<store::Transition>& history) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const auto& t : history) {
    w.StartObject();
    key(w, "at"), str(w, isoTime(t.at));
    key(w, "registry"), str(w, t.registry);
    key(w, "kind"), str(w, t.kind);
    key(w, "idempotencyKey"), str(w, t.idempotencyKey);
    key(w, "forloeb"), str(w, t.forloebKey);
    key(w, "citizen"), str(w, t.citizenMasked);
    key(w, "from");
    if (t.from)
      str(w, std::string(store::toString(*t.from)));
    else
      w.Null();
    key(w, "to"), str(w, std::string(store::toString(t.to)));
    key(w, "attempt"), w.Int(t.attempt);
    if (t.httpStatus) key(w, "httpStatus"), w.Int(t.httpStatus);
    if (!t.registryId.empty()) key(w, "registryId"), str(w, t.registryId);
    if (!t.detail.empty()) key(w, "detail"), str(w, t.detail);
    key(w, "actor"), str(w, t.actor);
    w.EndObject();
  }
  w.EndArray();
  return {buf.GetString(), buf.GetSize()};
}

std::string historyText(const std::vector<store::Transition>& history) {
  std::ostringstream out;
  for (const auto& t : history) {
    out << isoTime(t.at) << "  " << t.registry << " " << t.kind << " " << t.idempotencyKey << " " << t.citizenMasked
        << "  " << (t.from ? std::string(store::toString(*t.from)) : "-") << " -> " << store::toString(t.to)
        << "  attempt " << t.attempt;
    if (t.httpStatus) out << "  http " << t.httpStatus;
    if (!t.registryId.empty()) out << "  id " << t.registryId;
    if (!t.detail.empty()) out << "  " << t.detail;
    out << "  (" << t.actor << ")\n";
  }
  return out.str();
}

std::string ingestJson(const store::IngestRecord& r) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key(w, "ingestId"), str(w, r.id);
  key(w, "state"), str(w, r.state);
  if (!r.refused.empty()) key(w, "refused"), str(w, r.refused);
  if (r.state == "failed") key(w, "failure"), str(w, r.failure), key(w, "attempts"), w.Int64(r.attempts);
  key(w, "at"), str(w, isoTime(r.createdAt));
  key(w, "source"), str(w, r.source);
  key(w, "citizens"), w.Int64(r.citizens);
  key(w, "queued"), w.Int64(r.messages);
  key(w, "errors"), w.Int64(r.errors);
  key(w, "warnings"), w.Int64(r.warnings);
  key(w, "unreadable"), w.Bool(r.unreadable);
  key(w, "diagnostics"), str(w, "/ingest/" + r.id + "/diagnostics");
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string promLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string metricsText(const std::vector<store::StateCount>& counts, int64_t backlog, const engine::OutboxStats* o,
                        uint64_t intakeRequests, uint64_t intake503) {
  std::ostringstream out;
  out << "# HELP reghub_messages Stored messages by registry, kommune and state.\n"
         "# TYPE reghub_messages gauge\n";
  for (const auto& c : counts)
    out << "reghub_messages{registry=\"" << promLabel(c.registry) << "\",kommune=\"" << promLabel(c.kommune)
        << "\",state=\"" << store::toString(c.state) << "\"} " << c.count << "\n";
  out << "# HELP reghub_backlog Messages waiting for delivery (pending, sending, retry-wait).\n"
         "# TYPE reghub_backlog gauge\nreghub_backlog "
      << backlog << "\n";
  if (o) {
    auto counter = [&out](const char* name, const char* help, uint64_t v) {
      out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n" << name << " " << v << "\n";
    };
    counter("reghub_delivery_attempts_total", "Delivery attempts by this process.", o->attempts);
    counter("reghub_delivery_accepted_total", "Attempts the registry accepted.", o->accepted);
    counter("reghub_delivery_rejected_total", "Attempts the registry rejected.", o->rejected);
    counter("reghub_delivery_retries_total", "Attempts that will be retried.", o->retries);
    counter("reghub_delivery_dead_total", "Messages given up (dead).", o->dead);
    counter("reghub_delivery_recovered_total", "Expired leases returned to pending.", o->recovered);
  }
  out << "# HELP reghub_intake_requests_total Intake requests.\n# TYPE reghub_intake_requests_total counter\n"
         "reghub_intake_requests_total "
      << intakeRequests << "\n";
  out << "# HELP reghub_intake_backpressure_total Intake requests answered 503 (backlog over limit).\n"
         "# TYPE reghub_intake_backpressure_total counter\nreghub_intake_backpressure_total "
      << intake503 << "\n";
  return out.str();
}

}  // namespace reghub::api
