#include "hub/net/https_server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/URI.h>

#include <algorithm>
#include <condition_variable>
#include <istream>
#include <mutex>

namespace reghub::net {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

// Shared with Poco's connection threads, which may outlive HttpsServer::stop()
// by a moment: stop() refuses new work and waits for handlers in flight.
struct HttpsServer::State {
  HttpHandler fn;
  size_t maxBody = 0;
  std::mutex mu;
  std::condition_variable idle;
  int active = 0;
  bool stopping = false;
};

namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::shared_ptr<HttpsServer::State> state) : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    HttpRequest in;
    in.method = req.getMethod();
    in.uri = req.getURI();
    const Poco::URI uri(in.uri);
    in.path = uri.getPath();
    in.query = uri.getRawQuery();
    for (const auto& [k, v] : req) in.headers[lower(k)] = v;

    HttpResponse out;
    const size_t maxBody = state_->maxBody;
    if (req.hasContentLength() && static_cast<size_t>(req.getContentLength64()) > maxBody) {
      out.status = 413;
      out.body = "request body too large";
    } else {
      std::istream& is = req.stream();
      char buf[8192];
      while (is.read(buf, sizeof buf) || is.gcount() > 0) {
        in.body.append(buf, static_cast<size_t>(is.gcount()));
        if (in.body.size() > maxBody) break;
      }
      if (in.body.size() > maxBody) {
        out.status = 413;
        out.body = "request body too large";
      } else {
        bool run = false;
        {
          std::lock_guard<std::mutex> lock(state_->mu);
          if (!state_->stopping) {
            ++state_->active;
            run = true;
          }
        }
        if (!run) {
          out = HttpResponse{503, "text/plain", "server is stopping", {}, false};
        } else {
          try {
            out = state_->fn(in);
          } catch (const std::exception& e) {
            out = HttpResponse{500, "text/plain", std::string("internal error: ") + e.what(), {}, false};
          }
          std::lock_guard<std::mutex> lock(state_->mu);
          --state_->active;
          state_->idle.notify_all();
        }
      }
    }
    if (out.dropConnection) {
      // Fault injection: no answer; the socket closes when the connection ends.
      resp.setKeepAlive(false);
      try {
        static_cast<Poco::Net::HTTPServerRequestImpl&>(req).socket().shutdown();
      } catch (...) {
      }
      return;
    }
    resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
    resp.setContentType(out.contentType);
    for (const auto& [k, v] : out.headers) resp.set(k, v);
    resp.sendBuffer(out.body.data(), out.body.size());
  }

 private:
  std::shared_ptr<HttpsServer::State> state_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<HttpsServer::State> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(state_);  // Poco's HTTPServerConnection owns and deletes it
  }

 private:
  std::shared_ptr<HttpsServer::State> state_;
};

}  // namespace

HttpsServer::HttpsServer(HttpsServerOptions options, HttpHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

HttpsServer::~HttpsServer() { stop(); }

void HttpsServer::start() {
  if (server_) return;
  Poco::Net::initializeSSL();
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, options_.keyFile,
                                                       options_.certFile, "", Poco::Net::Context::VERIFY_NONE);
  ctx->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                        Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
  Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress(options_.host, static_cast<uint16_t>(options_.port)),
                                       64, ctx);
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;  // AutoPtr in HTTPServer takes ownership
  params->setMaxThreads(options_.maxThreads);
  params->setMaxQueued(64);
  params->setKeepAlive(true);
  params->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(options_.idleTimeout.count()) * 1000));
  state_ = std::make_shared<State>();
  state_->fn = handler_;
  state_->maxBody = options_.maxBodyBytes;
  server_ = std::make_unique<Poco::Net::HTTPServer>(Poco::Net::HTTPRequestHandlerFactory::Ptr(new Factory(state_)),
                                                    socket, params);
  server_->start();
}

void HttpsServer::stop() {
  if (!server_) return;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopping = true;
  }
  server_->stopAll(true);
  {
    // Handlers in flight still use what the handler captured: wait for them.
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->idle.wait(lock, [this] { return state_->active == 0; });
  }
  server_.reset();
}

std::string HttpsServer::baseUrl() const {
  return "https://" + options_.host + ":" + std::to_string(port_);
}

}  // namespace reghub::net
