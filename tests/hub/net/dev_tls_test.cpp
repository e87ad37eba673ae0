#include "hub/net/dev_tls.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>

#include "tests/hub/net/test_dir.h"

namespace {

X509* readCert(const std::string& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  if (!f) return nullptr;
  X509* c = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return c;
}

TEST(DevTls, WritesCaAndServerCertificateThatVerifyAgainstEachOther) {
  reghub::test::TempDir dir;
  const auto files = reghub::net::writeDevTls(dir.str() + "/tls");
  X509* ca = readCert(files.caCertFile);
  X509* server = readCert(files.serverCertFile);
  ASSERT_NE(ca, nullptr);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(X509_check_ca(ca), 1);
  EXPECT_EQ(X509_check_ca(server), 0);
  // Server certificate is for the loopback names.
  EXPECT_EQ(X509_check_host(server, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server, "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(server, "example.org", 0, 0, nullptr), 1);
  // Signed by the CA.
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, server, nullptr);
  EXPECT_EQ(X509_verify_cert(ctx), 1) << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(ca);
  X509_free(server);
}

// Valid from an hour ago (a skewed clock still accepts it) to `validDays`
// from now, and only for TLS servers.
TEST(DevTls, ServerCertificateIsValidFromAnHourAgoForTheGivenDaysAndForServersOnly) {
  reghub::test::TempDir dir;
  const auto files = reghub::net::writeDevTls(dir.str() + "/tls", 7);
  X509* server = readCert(files.serverCertFile);
  ASSERT_NE(server, nullptr);
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notBefore(server)), 1);
  EXPECT_EQ(days, 0);
  EXPECT_NEAR(seconds, -3600, 60);
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(server)), 1);
  EXPECT_NEAR(days * 86400 + seconds, 7 * 86400, 60);
  EXPECT_EQ(X509_check_purpose(server, X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_NE(X509_check_purpose(server, X509_PURPOSE_SSL_CLIENT, 0), 1);
  X509_free(server);
}

TEST(DevTls, EachCallMakesANewCa) {
  reghub::test::TempDir a, b;
  const auto fa = reghub::net::writeDevTls(a.str());
  const auto fb = reghub::net::writeDevTls(b.str());
  X509* ca1 = readCert(fa.caCertFile);
  X509* ca2 = readCert(fb.caCertFile);
  ASSERT_TRUE(ca1 && ca2);
  EXPECT_NE(X509_cmp(ca1, ca2), 0);
  X509_free(ca1);
  X509_free(ca2);
}

}  // namespace
