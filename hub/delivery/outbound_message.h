#pragma once
// What an adapter renders, the store keeps and the outbox delivers, and the
// classified answer of one attempt. Value types, no I/O. Low level on
// purpose: the engine and the store both use them, neither depends on the other.
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace reghub::delivery {

struct OutboundMessage {
  std::string registry;        // adapter name
  std::string kind;            // e.g. "IndsaetIvaerksaettelse", "DeliveryReport"
  // Stable across runs for the same logical message (SMDB: forløb+skema;
  // LTT: the Bundle id). The registry sees it again on every resend.
  std::string idempotencyKey;
  // sha256 of what matters in the content; unchanged content is never resent.
  std::string contentHash;
  // Idempotency keys of messages that must be accepted before this one.
  std::vector<std::string> dependsOn;

  // Routing and status facts (no personal data in clear except cpr).
  std::string citizenCpr;      // SENSITIVE: stored encrypted / as keyed hash only
  std::string citizenMasked;   // "ddmm**-****"
  std::string forloebKey;      // source id of the forløb
  std::string kommune;         // 4-digit municipality code, if known
  std::string deliveryDay;     // YYYY-MM-DD the message belongs to (LTT daily runs)

  // The wire form.
  std::string method = "POST";  // HTTP method
  std::string target;           // path relative to the registry's base URL
  std::string contentType;
  std::map<std::string, std::string> headers;  // e.g. SOAPAction
  std::string body;
};

// The answer of one delivery attempt, classified by the adapter
// (Fluent Bit's OK / RETRY / ERROR). Retry timing belongs to the outbox.
struct DeliveryResult {
  enum class Outcome { kAccepted, kRejected, kRetry };
  Outcome outcome = Outcome::kRetry;
  int httpStatus = 0;           // 0 = no HTTP answer (connection failure, timeout)
  std::string registryId;       // receipt / id assigned by the registry
  std::string detail;           // the registry's error text, or why we retry

  static DeliveryResult accepted(int status, std::string id = {}) {
    return {Outcome::kAccepted, status, std::move(id), {}};
  }
  static DeliveryResult rejected(int status, std::string why) { return {Outcome::kRejected, status, {}, std::move(why)}; }
  static DeliveryResult retry(int status, std::string why) { return {Outcome::kRetry, status, {}, std::move(why)}; }
};

}  // namespace reghub::delivery
