#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1, one thread a connection, for driving the real LINE HTTP
// clients (blocking and asynchronous). Optionally TLS, with a throwaway CA made at run time.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace thesaban::testing {

// A CA and a server certificate it signed, for `dns_name` only (no IP address in the certificate).
class TestTls {
public:
    explicit TestTls(const std::string& dns_name = "localhost");
    ~TestTls();  // removes the CA file
    TestTls(const TestTls&) = delete;
    TestTls& operator=(const TestTls&) = delete;

    const std::string& ca_file() const { return ca_file_; }  // PEM, for HttpClientOptions::ca_file
    void* server_context() const { return ctx_; }            // SSL_CTX* with the certificate and key

private:
    std::string ca_file_;
    void* ctx_ = nullptr;
};

class LoopbackServer {
public:
    enum class Mode {
        answer,               // keep-alive responses "hello N"
        silent,               // read the request, never answer
        drop_second_request,  // the first connection answers once, then closes on the next request unanswered
        big_body,             // answers with a 1000-byte body
        close_after_answer,   // answers with "Connection: close", then closes
        http10,               // answers as HTTP/1.0 without keep-alive, then closes
    };

    // `delay`: waited before each answer. `tls`: serve https with its certificate (must outlive the server).
    explicit LoopbackServer(Mode mode, std::chrono::milliseconds delay = {}, const TestTls* tls = nullptr);
    ~LoopbackServer();
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    std::string url(std::string_view path = "/", std::string_view host = "127.0.0.1") const;

    int port = 0;
    std::atomic<int> accepted{0};
    std::atomic<int> requests{0};
    std::atomic<int> max_concurrent{0};  // most requests being answered at the same time
    std::string last_body();
    std::string last_head();  // request line and headers of the last request

private:
    struct Peer;
    bool wait_readable(int fd);
    void accept_loop();
    bool read_request(Peer& peer, std::string& buffer, std::string& head, std::string& body);
    bool read_more(Peer& peer, std::string& buffer);
    void serve(Peer& peer, int connection_index);

    Mode mode_;
    std::chrono::milliseconds delay_;
    const TestTls* tls_;
    int listen_fd_ = -1;
    std::atomic<bool> stop_{false};
    std::atomic<int> concurrent_{0};
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<std::thread> connections_;
    std::string last_body_;
    std::string last_head_;
};

}  // namespace thesaban::testing
