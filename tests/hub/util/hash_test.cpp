// hub/util/hash.h against published test vectors (FIPS 180-2 for SHA-256,
// RFC 4231 for HMAC-SHA-256, RFC 4122 appendix for the DNS-namespace v5
// UUID of "www.example.com" as produced by Python's uuid.uuid5).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

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

// The keyed context is kept per thread and re-initialised per message: the
// same key twice must not carry the first message into the second, and a
// change of key (longer than a block, shorter, empty) must take effect.
TEST(HmacSha256Hex, Rfc4231CasesInAnyOrderWithTheKeyedContextReused) {
  const std::string case1Key(20, '\x0b'), case6Key(131, '\xaa');
  std::string case4Key, case4Data(50, '\xcd');
  for (char c = 1; c <= 25; ++c) case4Key += c;
  const std::string case1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  const std::string case4 = "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b";
  const std::string case6 = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(hmacSha256Hex(case1Key, "Hi There"), case1);
    EXPECT_EQ(hmacSha256Hex(case1Key, "Hi There"), case1);
    EXPECT_EQ(hmacSha256Hex(case6Key, "Test Using Larger Than Block-Size Key - Hash Key First"), case6);
    EXPECT_EQ(hmacSha256Hex(case4Key, case4Data), case4);
    // An empty key is a key (HMAC-SHA-256 of "" under ""), not "the previous one".
    EXPECT_EQ(hmacSha256Hex(std::string_view(), ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    EXPECT_EQ(hmacSha256Hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  }
}

TEST(HmacSha256Hex, EachThreadGetsTheSameAnswers) {
  const std::string want = hmacSha256Hex("Jefe", "what do ya want for nothing?");
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (hmacSha256Hex("Jefe", "what do ya want for nothing?") != want) ++wrong;
        hmacSha256Hex("other key " + std::to_string(t), std::to_string(i));  // switch the thread's key
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(UuidV5, DnsNamespaceExample) {
  EXPECT_EQ(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

}  // namespace
}  // namespace reghub::util
