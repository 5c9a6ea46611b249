#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/* OpenSSL spells these as macros over SSL_CTX_ctrl / SSL_ctrl, which Swift cannot call. */

static inline int cachewrap_tls_min_version_1_2(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

/* SSL_write may return after part of the buffer (like send), and may be retried with the rest
   from another address (Swift arrays promise no stable address between calls). */
static inline void cachewrap_tls_partial_writes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

static inline int cachewrap_tls_server_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/* A BIO would block: tell the SSL layer to ask again after poll(2) says so. */
static inline void cachewrap_bio_retry(BIO *bio, int writing) {
    BIO_set_flags(bio, (writing ? BIO_FLAGS_WRITE : BIO_FLAGS_READ) | BIO_FLAGS_SHOULD_RETRY);
}

static inline void cachewrap_bio_clear_retry(BIO *bio) {
    BIO_clear_flags(bio, BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY);
}

/* libcrypto's own CPU feature probe, reached under this name through the linker's
   --wrap=OPENSSL_cpuid_setup (Package.swift; see Remote/TLSContext.swift for why). */
void __real_OPENSSL_cpuid_setup(void);
