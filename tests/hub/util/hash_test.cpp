// hub/util/hash.h against published test vectors (FIPS 180-2 for SHA-256,
// RFC 4231 for HMAC-SHA-256, RFC 4122 appendix for the DNS-namespace v5
// UUID of "www.example.com" as produced by Python's uuid.uuid5).
#include <gtest/gtest.h>

#include <string>

#include "hub/util/hash.h"

namespace reghub::util {
namespace {

TEST(Sha256Hex, KnownAnswers) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Hex, BinaryInputWithZeroBytes) {
  const std::string withNul("a\0b", 3);
  EXPECT_NE(sha256Hex(withNul), sha256Hex("a"));
  EXPECT_EQ(sha256Hex(withNul).size(), 64u);
}

TEST(HmacSha256Hex, Rfc4231Case2) {
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(UuidV5, DnsNamespaceExample) {
  EXPECT_EQ(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

}  // namespace
}  // namespace reghub::util
