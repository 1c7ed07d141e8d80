// Changing an Active Directory (the Samba DC of tests/support/samba_server.h) the way an
// administrator would: one libldap connection bound as Administrator, on which a test
// creates OUs, users, groups and computers, changes memberships and account state, renames,
// moves and deletes entries, and reads objectGUIDs.
//
// Every failure throws AdAdminError carrying the LDAP error text and the DN; thrown in a
// test body (or SetUpTestSuite), gtest reports it as a failure of that test.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace pmbridge::testing {

class SambaServer;

class AdAdminError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// userAccountControl bits (MS-ADTS 2.2.16).
inline constexpr int kUacAccountDisable = 0x2;
inline constexpr int kUacPasswordNotRequired = 0x20;
inline constexpr int kUacNormalAccount = 0x200;
inline constexpr int kUacWorkstationTrustAccount = 0x1000;
// An enabled account that needs no password: what CreateUser sets unless told otherwise.
inline constexpr int kUacEnabledWithoutPassword = kUacNormalAccount | kUacPasswordNotRequired;

// accountExpires values meaning "never".
inline constexpr std::int64_t kAccountNeverExpiresZero = 0;
inline constexpr std::int64_t kAccountNeverExpiresMax = 0x7FFFFFFFFFFFFFFF;

struct AdUser {
  std::string cn;                // the RDN value
  std::string sam_account_name;  // the login
  std::string given_name;        // each optional attribute is left out when empty
  std::string sn;
  std::string mail;
  std::string initials;
  int user_account_control = kUacEnabledWithoutPassword;
};

class AdDirectoryAdmin {
 public:
  // Binds (simple bind) as `bind_dn` to `url`. Throws AdAdminError.
  AdDirectoryAdmin(const std::string& url, const std::string& bind_dn, const std::string& password);
  // Bound as the DC's Administrator.
  explicit AdDirectoryAdmin(const SambaServer& dc);
  ~AdDirectoryAdmin();
  AdDirectoryAdmin(const AdDirectoryAdmin&) = delete;
  AdDirectoryAdmin& operator=(const AdDirectoryAdmin&) = delete;

  // Each Create returns the new entry's DN.
  // OU=name,parent_dn.
  std::string CreateOu(const std::string& parent_dn, const std::string& name);
  // CN=user.cn,parent_dn: objectClass user with the given attributes.
  std::string CreateUser(const std::string& parent_dn, const AdUser& user);
  // `count` users CN=<prefix>NNNNN (sAMAccountName the same, givenName/sn set), numbered
  // from 0, added over this connection with many requests in flight. Their DNs in order.
  std::vector<std::string> CreateUsers(const std::string& parent_dn, const std::string& prefix,
                                       int count);
  // CN=cn,parent_dn: objectClass group (a global security group) with `members`.
  std::string CreateGroup(const std::string& parent_dn, const std::string& cn,
                          const std::vector<std::string>& members = {});
  // CN=cn,parent_dn: objectClass computer (a workstation account, sAMAccountName "cn$").
  // Computers are users to LDAP (objectClass user) but not persons.
  std::string CreateComputer(const std::string& parent_dn, const std::string& cn);

  // Member values added to / removed from a group, in requests of at most 500 values.
  void AddMembers(const std::string& group_dn, const std::vector<std::string>& member_dns);
  void RemoveMembers(const std::string& group_dn, const std::vector<std::string>& member_dns);

  void SetUserAccountControl(const std::string& dn, int value);
  // A Windows FILETIME tick count (see kAccountNeverExpires*).
  void SetAccountExpires(const std::string& dn, std::int64_t file_time_ticks);
  void SetAccountExpires(const std::string& dn, std::chrono::system_clock::time_point when);
  // Replaces one attribute's values (none: the attribute is removed).
  void Replace(const std::string& dn, const std::string& attribute,
               const std::vector<std::string>& values);

  // Sets the account's password (unicodePwd: the quoted password in UTF-16LE), so it can
  // bind. ASCII passwords only.
  void SetPassword(const std::string& dn, const std::string& password);
  // Deletes the entry; with its subtree (the tree-delete control) when `subtree`.
  void Delete(const std::string& dn, bool subtree = false);
  // Gives the entry the RDN `new_rdn` ("CN=new name") under the same parent; the new DN.
  std::string Rename(const std::string& dn, const std::string& new_rdn);
  // Moves the entry, keeping its RDN, under `new_parent_dn`; the new DN.
  std::string Move(const std::string& dn, const std::string& new_parent_dn);

  // objectGUID in canonical text ("xxxxxxxx-xxxx-...", FormatObjectGuid).
  std::string ObjectGuid(const std::string& dn);
  // The values of one attribute of one entry, as returned (binary values as bytes); empty
  // when it has none.
  std::vector<std::string> Read(const std::string& dn, const std::string& attribute);

 private:
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

}  // namespace pmbridge::testing
