#pragma once
// The values FK Gateway's access path hands around: an access token with its
// expiry, and how a step that fetches one (STS call, token exchange) ended —
// classified the way a deliverer classifies (Fluent Bit's OK / ERROR / RETRY):
// rejected = the server refused our credentials or request (permanent until
// someone fixes the setup; keep its text), retry = transient (timeout, 5xx,
// connection refused). Plain values; never print `value`.
#include <chrono>
#include <string>

namespace reghub::kl_gateway {

using Clock = std::chrono::system_clock;

enum class AuthOutcome { kOk, kRejected, kRetry };

struct AccessToken {
  std::string value;         // the bearer token — a secret: never logged or printed
  std::string type;          // "Bearer"
  Clock::time_point expires;  // when the server says it stops working
  std::string subject;       // the token's `sub` when it is a JWT (for `reghub check`), else empty
};

struct TokenFetch {
  AuthOutcome outcome = AuthOutcome::kRetry;
  AccessToken token;  // set when outcome == kOk
  int status = 0;     // the HTTP status that decided it (0: no answer)
  std::string error;  // where and what, with the server's own text; no secrets
  static TokenFetch ok(AccessToken t) { return {AuthOutcome::kOk, std::move(t), 200, {}}; }
  static TokenFetch rejected(int status, std::string e) { return {AuthOutcome::kRejected, {}, status, std::move(e)}; }
  static TokenFetch retry(int status, std::string e) { return {AuthOutcome::kRetry, {}, status, std::move(e)}; }
};

}  // namespace reghub::kl_gateway
