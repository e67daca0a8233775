// permissions.cc - peer credentials and group membership checks.
#include "server/permissions.h"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

namespace bounced {

bool peer_credentials(int fd, PeerCred& out) {
  struct ucred cred {};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  out.pid = cred.pid;
  out.uid = cred.uid;
  out.gid = cred.gid;
  return true;
}

namespace {

bool in_group(const std::string& group, const PeerCred& peer) {
  if (group.empty()) return true;
  struct group* g = getgrnam(group.c_str());
  if (!g) return false;  // a configured group that does not exist admits nobody
  if (peer.gid == g->gr_gid) return true;
  struct passwd* pw = getpwuid(peer.uid);
  if (!pw) return false;
  int n = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<std::size_t>(n));
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &n) < 0) return false;
  }
  for (int i = 0; i < n; ++i)
    if (groups[static_cast<std::size_t>(i)] == g->gr_gid) return true;
  return false;
}

}  // namespace

bool allowed(const AccessConfig& cfg, const PeerCred& peer, Role role) {
  if (peer.uid == 0 || peer.uid == getuid()) return true;
  if (!cfg.admin_group.empty() && in_group(cfg.admin_group, peer)) return true;
  switch (role) {
    case Role::kIngest: return !cfg.ingest_group.empty() ? in_group(cfg.ingest_group, peer) : true;
    case Role::kQuery: return !cfg.query_group.empty() ? in_group(cfg.query_group, peer) : true;
    case Role::kAdmin: return cfg.admin_group.empty() ? false : in_group(cfg.admin_group, peer);
  }
  return false;
}

}  // namespace bounced
