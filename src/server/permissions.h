// permissions.h - who may do what on the socket: peer credentials against groups.
#pragma once
#include <sys/types.h>

#include <string>

#include "server/protocol.h"

namespace bounced {

struct PeerCred {
  pid_t pid = 0;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

struct AccessConfig {
  // Group names; an empty name leaves the role to anyone who can open the socket
  // (the socket's owner, group and mode decide that).
  std::string ingest_group;
  std::string query_group;
  std::string admin_group;
};

// Reads SO_PEERCRED of a connected Unix socket.
bool peer_credentials(int fd, PeerCred& out);

// root and the daemon's own user may do everything; the admin group may do
// everything; otherwise the role's group is needed (when one is configured).
bool allowed(const AccessConfig& cfg, const PeerCred& peer, Role role);

}  // namespace bounced
