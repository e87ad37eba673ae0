#pragma once
// Encryption at rest for the delivery store (docs/STORE.md "Keys").
//
// - Personal data (CPR, names, message bodies) is sealed with AES-256-GCM
//   under the *current* key; each sealed value carries the id of its key so
//   older keys can still open rows written before a rotation.
// - CPR numbers are found by a keyed hash (HMAC-SHA256 under a separate
//   lookup key), so the database alone reveals no CPR.
//
// Keys come from configuration or the environment as base64 of 32 bytes.
// Immutable after construction; thread-safe. Throws KeyError on bad keys
// and when a sealed value cannot be opened (wrong key, tampering).
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace reghub::store {

struct KeyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Keyring {
 public:
  // `currentId`/`currentKeyB64`: the key new data is sealed with.
  // `lookupKeyB64`: the HMAC key for CPR lookup; empty = derived from the
  // current key (then rotating that key needs `reghub` to re-hash: see
  // docs/STORE.md, so production sets a separate lookup key).
  Keyring(std::string currentId, std::string_view currentKeyB64, std::string_view lookupKeyB64 = {});

  // An older key that may still open rows (rotation).
  void addRetiredKey(std::string id, std::string_view keyB64);

  // "id1:base64,id2:base64" (config store.retiredKeys).
  void addRetiredKeys(std::string_view list);

  const std::string& currentKeyId() const { return currentId_; }

  // Seals `plain` under the current key. `context` (e.g. registry + key) is
  // authenticated but not stored: a sealed value moved to another row fails
  // to open. Output: base64(nonce ‖ ciphertext ‖ tag).
  std::string seal(std::string_view plain, std::string_view context) const;
  std::string open(std::string_view keyId, std::string_view sealed, std::string_view context) const;

  // Keyed hash for looking up a CPR (lower-case hex).
  std::string lookupHash(std::string_view cpr) const;

  // A fresh random key, base64 (reghub demo, tests, `reghub keygen`).
  static std::string generateKeyB64();

 private:
  std::string currentId_;
  std::map<std::string, std::string, std::less<>> keys_;  // id → 32 raw bytes
  std::string lookupKey_;
};

}  // namespace reghub::store
