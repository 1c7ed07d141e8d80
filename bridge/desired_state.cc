#include "bridge/desired_state.h"

#include <utility>

namespace pmbridge {
namespace {

// DesiredFields without the rights and provider scope.
AccountFields PersonFields(const Entitlement& e) {
  AccountFields f;
  f.login = e.user->login;
  f.last_name = e.user->last_name;
  f.first_name = e.user->first_name;
  f.middle_initial = e.user->middle_initial;
  f.email = e.user->email;
  f.active = true;
  f.super_user = e.super_user;
  f.access_security = e.access_security;
  return f;
}

}  // namespace

AccountFields DesiredFields(const Entitlement& e) {
  AccountFields f = PersonFields(e);
  f.rights = e.rights;
  f.providers = e.providers;
  return f;
}

AccountFields TakeDesiredFields(Entitlement& e) {
  AccountFields f = PersonFields(e);
  f.rights = std::move(e.rights);
  f.providers = std::move(e.providers);
  return f;
}

bool HasDesiredFields(const AccountFields& fields, const Entitlement& e) {
  const DirectoryUser& u = *e.user;
  return fields.login == u.login && fields.last_name == u.last_name &&
         fields.first_name == u.first_name && fields.middle_initial == u.middle_initial &&
         fields.email == u.email && fields.active && fields.super_user == e.super_user &&
         fields.access_security == e.access_security && fields.rights == e.rights &&
         fields.providers == e.providers;
}

}  // namespace pmbridge
