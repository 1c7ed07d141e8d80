// Shared by the directory integration tests: the connector configuration for the sample
// clinic served by SlapdServer, and small lookups in a snapshot.
#pragma once

#include <memory>
#include <string>

#include "bridge/config/config.h"
#include "bridge/directory_snapshot.h"
#include "bridge/directory_source.h"
#include "tests/support/slapd_server.h"

namespace pmbridge::testing {

// OpenLDAP flavour, the clinic's bases and filters, bound as the pmbridge service account.
DirectoryConfig ClinicDirectoryConfig(const std::string& url);

// OpenDirectory + ReadSnapshot; a failure is reported through gtest and yields an empty
// snapshot.
Result<DirectorySnapshot> ReadClinic(const DirectoryConfig& config,
                                     const std::string& password = kServicePassword);

const DirectoryUser* FindUser(const DirectorySnapshot& snapshot, const std::string& login);
const DirectoryGroup* FindGroup(const DirectorySnapshot& snapshot, const std::string& dn);

// LDIF for `count` inetOrgPerson entries uid=gen00000.. under ou=people.
std::string GeneratedUsersLdif(int count);

// True when `text` looks like a UUID: 8-4-4-4-12 lower-case hex digits.
bool LooksLikeUuid(const std::string& text);

}  // namespace pmbridge::testing
