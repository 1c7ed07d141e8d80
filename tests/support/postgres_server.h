// The C++ side of tests/fixtures/postgres.sh: one PostgreSQL server per test process,
// started on first use and stopped at exit (and, should the process die without running
// its exit handlers, by the fixture's watcher).
#pragma once

#include <string>

namespace pmbridge::testing {

class PostgresServer {
 public:
  // The process-wide server, started on first call. Throws std::runtime_error when it
  // cannot start (the message carries the fixture's output).
  static PostgresServer& Instance();

  // Creates a fresh, empty database and returns its SOCI / libpq connect string
  // ("host=127.0.0.1 port=N user=postgres dbname=pmbridge_test_K").
  std::string CreateDatabase();

  int port() const { return port_; }
  // The connect string of the maintenance database "postgres".
  const std::string& admin_connect_string() const { return admin_; }

  // Stops the server and removes its directory; Instance() must not be used afterwards.
  // Runs at exit in the process that started the server (never in forked children).
  void Stop();

 private:
  PostgresServer() = default;
  void Start();

  std::string dir_;
  int port_ = 0;
  std::string admin_;
  int databases_ = 0;
  int owner_pid_ = 0;
  bool running_ = false;
};

// PostgresServer::Instance().CreateDatabase().
std::string CreatePostgresDatabase();

}  // namespace pmbridge::testing
