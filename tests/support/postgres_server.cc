#include "tests/support/postgres_server.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "tests/support/process.h"

namespace pmbridge::testing {
namespace {

std::string FixtureScript() { return SourceDir() + "/tests/fixtures/postgres.sh"; }

std::string MakeServerDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/pmbridge-pg-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return templ;
}

void StopAtExit() { PostgresServer::Instance().Stop(); }

}  // namespace

PostgresServer& PostgresServer::Instance() {
  static PostgresServer* server = [] {
    auto* s = new PostgresServer();  // never destroyed: atexit stops it
    s->Start();
    std::atexit(&StopAtExit);
    return s;
  }();
  return *server;
}

void PostgresServer::Start() {
  owner_pid_ = static_cast<int>(getpid());
  std::string output;
  // A free port may be taken by a concurrent test process before the server binds it.
  for (int attempt = 0; attempt < 5 && !running_; ++attempt) {
    dir_ = MakeServerDir();
    port_ = FreeLoopbackPort();
    ProcessResult r =
        Run({FixtureScript(), "start", dir_, std::to_string(port_), std::to_string(owner_pid_)});
    output += r.out + r.err;
    const std::string key = "PG_CONNECT=";
    std::size_t at = r.out.find(key);
    if (r.exit_code == 0 && at != std::string::npos) {
      std::size_t end = r.out.find('\n', at);
      admin_ =
          r.out.substr(at + key.size(), end == std::string::npos ? end : end - at - key.size());
      running_ = true;
    } else {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  if (!running_) throw std::runtime_error("cannot start PostgreSQL: " + output);
}

void PostgresServer::Stop() {
  if (!running_ || static_cast<int>(getpid()) != owner_pid_) return;
  running_ = false;
  Run({FixtureScript(), "stop", dir_});
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PostgresServer::CreateDatabase() {
  std::string name = "pmbridge_test_" + std::to_string(++databases_);
  ProcessResult r = Run(
      {"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", admin_, "-c", "CREATE DATABASE " + name});
  if (r.exit_code != 0) throw std::runtime_error("CREATE DATABASE " + name + ": " + r.err);
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + name;
}

std::string CreatePostgresDatabase() { return PostgresServer::Instance().CreateDatabase(); }

}  // namespace pmbridge::testing
