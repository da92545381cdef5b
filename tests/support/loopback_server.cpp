#include "support/loopback_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace thesaban::testing {
namespace {

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
    if (!ext || !X509_add_ext(cert, ext, -1)) throw std::runtime_error("cannot add a certificate extension");
    X509_EXTENSION_free(ext);
}

// A certificate for `key`, signed by `issuer_key` (self-signed when `issuer` is null).
X509* make_certificate(EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, const std::string& common_name, long serial,
                       const std::string& dns_name) {
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                               -1, -1, 0);
    X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    if (!issuer) {
        add_extension(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_extension(cert, &ctx, NID_subject_key_identifier, "hash");
    } else {
        add_extension(cert, &ctx, NID_basic_constraints, "CA:FALSE");
        add_extension(cert, &ctx, NID_ext_key_usage, "serverAuth");
        add_extension(cert, &ctx, NID_subject_alt_name, ("DNS:" + dns_name).c_str());
    }
    if (!X509_sign(cert, issuer_key, EVP_sha256())) throw std::runtime_error("cannot sign a test certificate");
    return cert;
}

}  // namespace

TestTls::TestTls(const std::string& dns_name) {
    EVP_PKEY* ca_key = EVP_EC_gen("P-256");
    EVP_PKEY* server_key = EVP_EC_gen("P-256");
    if (!ca_key || !server_key) throw std::runtime_error("cannot make test keys");
    X509* ca = make_certificate(ca_key, nullptr, ca_key, "thesaban test CA", 1, {});
    X509* server = make_certificate(server_key, ca, ca_key, dns_name, 2, dns_name);

    char path[] = "/tmp/thesaban-test-ca-XXXXXX";
    int fd = ::mkstemp(path);
    if (fd < 0) throw std::runtime_error("cannot create the test CA file");
    FILE* file = ::fdopen(fd, "w");
    PEM_write_X509(file, ca);
    std::fclose(file);
    ca_file_ = path;

    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_use_certificate(ctx, server) != 1 || SSL_CTX_use_PrivateKey(ctx, server_key) != 1) {
        throw std::runtime_error("cannot set up the test TLS server context");
    }
    ctx_ = ctx;
    X509_free(server);
    X509_free(ca);
    EVP_PKEY_free(server_key);
    EVP_PKEY_free(ca_key);
}

TestTls::~TestTls() {
    SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
    ::unlink(ca_file_.c_str());
}

struct LoopbackServer::Peer {
    int fd = -1;
    SSL* ssl = nullptr;

    bool write_all(const std::string& data) {
        if (ssl) return SSL_write(ssl, data.data(), static_cast<int>(data.size())) == static_cast<int>(data.size());
        return ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    }
};

LoopbackServer::LoopbackServer(Mode mode, std::chrono::milliseconds delay, const TestTls* tls)
    : mode_(mode), delay_(delay), tls_(tls) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
        ADD_FAILURE() << "cannot listen on loopback";
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

LoopbackServer::~LoopbackServer() {
    stop_ = true;
    acceptor_.join();  // no new connection threads after this
    std::vector<std::thread> connections;
    {
        std::lock_guard lock(mutex_);
        connections.swap(connections_);
    }
    for (auto& t : connections) t.join();
    ::close(listen_fd_);
}

std::string LoopbackServer::url(std::string_view path, std::string_view host) const {
    return std::string(tls_ ? "https://" : "http://") + std::string(host) + ":" + std::to_string(port) +
           std::string(path);
}

std::string LoopbackServer::last_body() {
    std::lock_guard lock(mutex_);
    return last_body_;
}

std::string LoopbackServer::last_head() {
    std::lock_guard lock(mutex_);
    return last_head_;
}

bool LoopbackServer::wait_readable(int fd) {
    while (!stop_) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
}

void LoopbackServer::accept_loop() {
    while (wait_readable(listen_fd_)) {
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) continue;
        int index = accepted++;
        std::lock_guard lock(mutex_);
        connections_.emplace_back([this, fd, index] {
            Peer peer{fd, nullptr};
            if (tls_) {
                // A client that never finishes the handshake must not hang the test's teardown.
                timeval limit{5, 0};
                ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
                peer.ssl = SSL_new(static_cast<SSL_CTX*>(tls_->server_context()));
                SSL_set_fd(peer.ssl, fd);
                if (SSL_accept(peer.ssl) == 1) serve(peer, index);
                ERR_clear_error();
                SSL_free(peer.ssl);
            } else {
                serve(peer, index);
            }
            ::close(fd);
        });
    }
}

// Reads one request (headers and a Content-Length body); false when the peer closed or we stop.
bool LoopbackServer::read_request(Peer& peer, std::string& buffer, std::string& head, std::string& body) {
    std::size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!read_more(peer, buffer)) return false;
    }
    std::size_t length = 0;
    head = buffer.substr(0, header_end);
    std::string lower = head;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto pos = lower.find("content-length:"); pos != std::string::npos) {
        length = std::stoul(lower.substr(pos + 15));
    }
    while (buffer.size() < header_end + 4 + length) {
        if (!read_more(peer, buffer)) return false;
    }
    body = buffer.substr(header_end + 4, length);
    buffer.erase(0, header_end + 4 + length);
    return true;
}

bool LoopbackServer::read_more(Peer& peer, std::string& buffer) {
    if (!(peer.ssl && SSL_pending(peer.ssl) > 0) && !wait_readable(peer.fd)) return false;
    char chunk[4096];
    int n = peer.ssl ? SSL_read(peer.ssl, chunk, sizeof chunk) : static_cast<int>(::read(peer.fd, chunk, sizeof chunk));
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
}

void LoopbackServer::serve(Peer& peer, int connection_index) {
    std::string buffer, head, body;
    for (int on_this_connection = 0; read_request(peer, buffer, head, body); ++on_this_connection) {
        if (mode_ == Mode::silent) {
            wait_readable(peer.fd);  // until the client gives up and closes, or the test ends
            while (!stop_ && read_more(peer, buffer)) {
            }
            return;
        }
        if (mode_ == Mode::drop_second_request && connection_index == 0 && on_this_connection == 1) return;
        int now = ++concurrent_;
        for (int seen = max_concurrent.load(); now > seen && !max_concurrent.compare_exchange_weak(seen, now);) {
        }
        if (delay_ > std::chrono::milliseconds::zero()) std::this_thread::sleep_for(delay_);
        int n = ++requests;
        {
            std::lock_guard lock(mutex_);
            last_body_ = body;
            last_head_ = head;
        }
        std::string content = mode_ == Mode::big_body ? std::string(1000, 'x') : "hello " + std::to_string(n);
        std::string status_line = mode_ == Mode::http10 ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.1 200 OK\r\n";
        std::string extra = mode_ == Mode::close_after_answer ? "Connection: close\r\n" : "";
        std::string response = status_line + "Content-Type: text/plain\r\nX-Line-Request-Id: r" + std::to_string(n) +
                               "\r\n" + extra + "Content-Length: " + std::to_string(content.size()) + "\r\n\r\n" +
                               content;
        bool written = peer.write_all(response);
        --concurrent_;
        if (!written || mode_ == Mode::close_after_answer || mode_ == Mode::http10) return;
    }
}

}  // namespace thesaban::testing
