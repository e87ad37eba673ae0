#include "hub/store/keyring.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

#include "hub/util/hash.h"
#include "hub/util/strings.h"

namespace reghub::store {

namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

// OpenSSL's block coder, not Poco's stream coder (a tenth of an ingest's
// CPU went to it): standard alphabet, padded, no line breaks — the same
// text as before, so stored rows open either way.
std::string b64encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Throws std::invalid_argument when `text` is not base64.
std::string b64decode(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (const char c : text)
    if (c != '\n' && c != '\r' && c != ' ') clean.push_back(c);
  if (clean.size() % 4 != 0) throw std::invalid_argument("not base64");
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) throw std::invalid_argument("not base64");
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t pad = 0;
  if (!clean.empty() && clean.back() == '=') pad = clean.size() >= 2 && clean[clean.size() - 2] == '=' ? 2 : 1;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string decodeKey(std::string_view b64, std::string_view what) {
  std::string raw;
  try {
    raw = b64decode(b64);
  } catch (const std::exception&) {
    throw KeyError(std::string(what) + " is not valid base64");
  }
  if (raw.size() != kKeyBytes)
    throw KeyError(std::string(what) + " must be base64 of 32 random bytes (got " + std::to_string(raw.size()) +
                   " bytes); make one with: openssl rand -base64 32");
  return raw;
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

}  // namespace

Keyring::Keyring(std::string currentId, std::string_view currentKeyB64, std::string_view lookupKeyB64)
    : currentId_(std::move(currentId)) {
  if (currentId_.empty() || currentId_.find_first_of(":,") != std::string::npos)
    throw KeyError("store key id must be a non-empty name without ':' or ','");
  keys_[currentId_] = decodeKey(currentKeyB64, "store.key (REGHUB_STORE_KEY)");
  // The lookup key is derived the same way from either source, so a store
  // that began without store.lookupKey keeps its hashes after a rotation by
  // giving the first store.key as store.lookupKey.
  const std::string base = lookupKeyB64.empty() ? keys_[currentId_]
                                                : decodeKey(lookupKeyB64, "store.lookupKey (REGHUB_STORE_LOOKUP_KEY)");
  lookupKey_ = util::hmacSha256Hex(base, "reghub cpr lookup v1");
}

void Keyring::addRetiredKey(std::string id, std::string_view keyB64) {
  if (id == currentId_) return;
  keys_[std::move(id)] = decodeKey(keyB64, "store.retiredKeys entry");
}

void Keyring::addRetiredKeys(std::string_view list) {
  for (const std::string& item : util::split(list, ',')) {
    const std::string entry = util::trim(item);
    if (entry.empty()) continue;
    const auto colon = entry.find(':');
    if (colon == std::string::npos) throw KeyError("store.retiredKeys: expected id:base64, got an entry without ':'");
    addRetiredKey(entry.substr(0, colon), entry.substr(colon + 1));
  }
}

std::string Keyring::seal(std::string_view plain, std::string_view context) const {
  const std::string& key = keys_.at(currentId_);
  unsigned char nonce[kNonceBytes];
  if (RAND_bytes(nonce, sizeof nonce) != 1) throw KeyError("no random bytes for a nonce");
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  std::string out(kNonceBytes + plain.size() + kTagBytes, '\0');
  std::copy(nonce, nonce + kNonceBytes, out.begin());
  auto* cipher = reinterpret_cast<unsigned char*>(out.data() + kNonceBytes);
  int len = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                      reinterpret_cast<const unsigned char*>(key.data()), nonce) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                               static_cast<int>(context.size())) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), cipher, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                               static_cast<int>(plain.size())) == 1;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                                 cipher + plain.size()) == 1;
  if (!ok) throw KeyError("AES-256-GCM encryption failed");
  return b64encode(out);
}

std::string Keyring::open(std::string_view keyId, std::string_view sealed, std::string_view context) const {
  const auto it = keys_.find(keyId);
  if (it == keys_.end())
    throw KeyError("stored data is sealed with key id '" + std::string(keyId) +
                   "', which is neither store.keyId nor in store.retiredKeys");
  std::string raw;
  try {
    raw = b64decode(sealed);
  } catch (const std::invalid_argument&) {
    throw KeyError("sealed value is not base64 (damaged row)");
  }
  if (raw.size() < kNonceBytes + kTagBytes) throw KeyError("sealed value too short (damaged row)");
  const size_t n = raw.size() - kNonceBytes - kTagBytes;
  std::string plain(n, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw.data());
  const auto* cipher = nonce + kNonceBytes;
  std::string tag = raw.substr(kNonceBytes + n);
  int len = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                      reinterpret_cast<const unsigned char*>(it->second.data()), nonce) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(context.data()),
                               static_cast<int>(context.size())) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, cipher,
                               static_cast<int>(n)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag.data()) == 1;
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) == 1;
  if (!ok) throw KeyError("a sealed store value failed authentication (wrong key or tampered row)");
  return plain;
}

std::string Keyring::lookupHash(std::string_view cpr) const { return util::hmacSha256Hex(lookupKey_, cpr); }

std::string Keyring::generateKeyB64() {
  unsigned char raw[kKeyBytes];
  if (RAND_bytes(raw, sizeof raw) != 1) throw KeyError("no random bytes for a key");
  return b64encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

}  // namespace reghub::store
