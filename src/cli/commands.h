// commands.h - bouncectl's subcommands; each returns the process exit status.
#pragma once
#include <string>
#include <vector>

namespace bounced::cli {

// Exit statuses (sysexits.h).
inline constexpr int kExitUsage = 64;
inline constexpr int kExitDataErr = 65;
inline constexpr int kExitNoInput = 66;
inline constexpr int kExitConfig = 78;

int cmd_parse(const std::vector<std::string>& args);
int cmd_rules(const std::vector<std::string>& args);
// ingest, status, activity, unsuppress, stats, export, history, reload, ping.
int cmd_daemon(const std::string& cmd, const std::vector<std::string>& args);

}  // namespace bounced::cli
