#include "line/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace thesaban::line {
namespace {

using namespace std::chrono_literals;

// A tiny HTTP/1.1 server on 127.0.0.1, one thread a connection, for driving the real client.
class LoopbackServer {
public:
    enum class Mode {
        answer,               // keep-alive responses "hello N"
        silent,               // read the request, never answer
        drop_second_request,  // the first connection answers once, then closes on the next request unanswered
        big_body,             // answers with a 1000-byte body
    };

    explicit LoopbackServer(Mode mode) : mode_(mode) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0) {
            ADD_FAILURE() << "cannot listen on loopback";
        }
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }

    ~LoopbackServer() {
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

    std::string url(std::string_view path = "/", std::string_view host = "127.0.0.1") const {
        return "http://" + std::string(host) + ":" + std::to_string(port) + std::string(path);
    }

    int port = 0;
    std::atomic<int> accepted{0};
    std::atomic<int> requests{0};
    std::string last_body() {
        std::lock_guard lock(mutex_);
        return last_body_;
    }

private:
    bool wait_readable(int fd) {
        while (!stop_) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 20) > 0) return true;
        }
        return false;
    }

    void accept_loop() {
        while (wait_readable(listen_fd_)) {
            int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) continue;
            int index = accepted++;
            std::lock_guard lock(mutex_);
            connections_.emplace_back([this, fd, index] {
                serve(fd, index);
                ::close(fd);
            });
        }
    }

    // Reads one request (headers and a Content-Length body); false when the peer closed or we stop.
    bool read_request(int fd, std::string& buffer, std::string& body) {
        std::size_t header_end;
        while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
            if (!read_more(fd, buffer)) return false;
        }
        std::size_t length = 0;
        std::string head = buffer.substr(0, header_end);
        for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (auto pos = head.find("content-length:"); pos != std::string::npos) {
            length = std::stoul(head.substr(pos + 15));
        }
        while (buffer.size() < header_end + 4 + length) {
            if (!read_more(fd, buffer)) return false;
        }
        body = buffer.substr(header_end + 4, length);
        buffer.erase(0, header_end + 4 + length);
        return true;
    }

    bool read_more(int fd, std::string& buffer) {
        if (!wait_readable(fd)) return false;
        char chunk[4096];
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    void serve(int fd, int connection_index) {
        std::string buffer, body;
        for (int on_this_connection = 0; read_request(fd, buffer, body); ++on_this_connection) {
            if (mode_ == Mode::silent) {
                wait_readable(fd);  // until the client gives up and closes, or the test ends
                while (!stop_ && read_more(fd, buffer)) {
                }
                return;
            }
            if (mode_ == Mode::drop_second_request && connection_index == 0 && on_this_connection == 1) return;
            int n = ++requests;
            {
                std::lock_guard lock(mutex_);
                last_body_ = body;
            }
            std::string content = mode_ == Mode::big_body ? std::string(1000, 'x') : "hello " + std::to_string(n);
            std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Line-Request-Id: r" +
                                   std::to_string(n) + "\r\nContent-Length: " + std::to_string(content.size()) +
                                   "\r\n\r\n" + content;
            if (::write(fd, response.data(), response.size()) != static_cast<ssize_t>(response.size())) return;
        }
    }

    Mode mode_;
    int listen_fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<std::thread> connections_;
    std::string last_body_;
};

HttpRequest get(std::string url) { return HttpRequest{"GET", std::move(url), {}, {}}; }

TEST(HttpClient, RefusesPlainHttpToNonLoopbackHosts) {
    HttpClient client;
    for (const char* url : {"http://api.line.me/v2/bot/info", "http://10.0.0.1/", "http://128.0.0.1:8080/"}) {
        HttpResponse r = client.send(get(url), 1s);
        EXPECT_EQ(r.status, 0) << url;
        EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
        EXPECT_TRUE(r.permanent);
    }
    EXPECT_EQ(client.send(get("ftp://127.0.0.1/"), 1s).status, 0);
}

TEST(HttpClient, KnowsLoopbackHosts) {
    for (const char* host : {"127.0.0.1", "127.5.6.7", "::1", "[::1]", "localhost", "LOCALHOST"}) {
        EXPECT_TRUE(is_loopback_host(host)) << host;
    }
    for (const char* host : {"128.0.0.1", "0.0.0.0", "api.line.me", "localhost.example.com", "::2", ""}) {
        EXPECT_FALSE(is_loopback_host(host)) << host;
    }
}

TEST(HttpClient, ReusesAKeepAliveConnection) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    HttpClient client;
    HttpResponse first = client.send(get(server.url("/a")), 2s);
    EXPECT_EQ(first.status, 200) << first.error;
    EXPECT_EQ(first.body, "hello 1");
    EXPECT_EQ(first.header("x-line-request-id"), "r1");
    EXPECT_EQ(first.header("CONTENT-TYPE"), "text/plain");
    EXPECT_EQ(client.idle_connections(), 1u);

    HttpRequest post{"POST", server.url("/b"), {{"Content-Type", "application/json"}}, R"({"k":"ไทย"})"};
    HttpResponse second = client.send(post, 2s);
    EXPECT_EQ(second.status, 200) << second.error;
    EXPECT_EQ(second.body, "hello 2");
    EXPECT_EQ(server.last_body(), R"({"k":"ไทย"})");
    EXPECT_EQ(server.accepted.load(), 1);
    EXPECT_EQ(server.requests.load(), 2);
}

TEST(HttpClient, ResolvesLocalhost) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    HttpClient client;
    HttpResponse r = client.send(get(server.url("/", "localhost")), 2s);
    EXPECT_EQ(r.status, 200) << r.error;
}

TEST(HttpClient, RetriesOnceWhenAReusedConnectionIsDropped) {
    LoopbackServer server(LoopbackServer::Mode::drop_second_request);
    HttpClient client;
    EXPECT_EQ(client.send(get(server.url()), 2s).status, 200);
    HttpResponse r = client.send(get(server.url()), 2s);
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(server.accepted.load(), 2);
    EXPECT_EQ(server.requests.load(), 2);
}

TEST(HttpClient, TimesOutWhenTheServerNeverAnswers) {
    LoopbackServer server(LoopbackServer::Mode::silent);
    HttpClient client;
    auto start = std::chrono::steady_clock::now();
    HttpResponse r = client.send(get(server.url()), 300ms);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.error.find("timeout"), std::string::npos) << r.error;
    EXPECT_FALSE(r.permanent);
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_EQ(client.idle_connections(), 0u);
}

TEST(HttpClient, EnforcesTheResponseBodyLimit) {
    LoopbackServer server(LoopbackServer::Mode::big_body);
    HttpClient client;
    HttpRequest request = get(server.url());
    request.max_response_body = 100;
    HttpResponse r = client.send(request, 2s);
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.permanent);
    EXPECT_TRUE(r.body.empty());
    request.max_response_body = 0;  // the client's default allows it
    EXPECT_EQ(client.send(request, 2s).status, 200);
}

TEST(HttpClient, HttpsFailsCleanlyAgainstAPlainServer) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    HttpClient client;
    HttpResponse r = client.send(get("https://127.0.0.1:" + std::to_string(server.port) + "/"), 500ms);
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.error.find("TLS"), std::string::npos) << r.error;
}

TEST(HttpResponse, HeaderLookupIgnoresCase) {
    HttpResponse r;
    r.headers = {{"Retry-After", "3"}, {"X-Line-Request-Id", "abc"}};
    EXPECT_EQ(r.header("retry-after"), "3");
    EXPECT_EQ(r.header("x-line-request-id"), "abc");
    EXPECT_EQ(r.header("missing"), "");
}

}  // namespace
}  // namespace thesaban::line
