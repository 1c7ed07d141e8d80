# Third-party libraries, all from Debian 12 packages (deploy/install-deps.sh installs them).

find_package(yaml-cpp REQUIRED)  # target yaml-cpp
find_package(nlohmann_json 3 REQUIRED)  # target nlohmann_json::nlohmann_json
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(OpenSSL REQUIRED)  # libcrypto for the audit hash chain
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# OpenLDAP client library: no CMake config in Debian.
find_path(LDAP_INCLUDE_DIR ldap.h REQUIRED)
find_library(LDAP_LIBRARY ldap REQUIRED)
find_library(LBER_LIBRARY lber REQUIRED)
add_library(openldap::ldap INTERFACE IMPORTED)
target_include_directories(openldap::ldap INTERFACE ${LDAP_INCLUDE_DIR})
target_link_libraries(openldap::ldap INTERFACE ${LDAP_LIBRARY} ${LBER_LIBRARY})

# SOCI 4.0.3 ships neither a CMake config nor a .pc file: find the pieces ourselves. Its
# PostgreSQL backend headers include <libpq-fe.h> from /usr/include/postgresql.
find_package(PostgreSQL REQUIRED)  # libpq; COPY runs on SOCI's own connection
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIBRARY soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIBRARY soci_postgresql REQUIRED)
find_package(SQLite3 REQUIRED)
add_library(soci::soci INTERFACE IMPORTED)
target_include_directories(soci::soci INTERFACE ${SOCI_INCLUDE_DIR} ${PostgreSQL_INCLUDE_DIRS})
target_link_libraries(soci::soci INTERFACE ${SOCI_SQLITE3_LIBRARY} ${SOCI_POSTGRESQL_LIBRARY}
                      ${SOCI_CORE_LIBRARY} SQLite::SQLite3 PostgreSQL::PostgreSQL ${CMAKE_DL_LIBS})
