// main.cc - bouncectl: the operator's tool. Dispatches to the subcommands.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {
void usage(std::ostream& out) {
  out << "usage: bouncectl COMMAND [OPTIONS]\n"
         "commands:\n"
         "  parse [--explain] [--rules DIR] [--jobs N] [--cache DIR | --no-cache] PATH...\n"
         "                                            read returned messages, print JSON lines (all cores)\n"
         "  rules lint [DIR]                          check a rules directory\n"
         "  rules test [--rules DIR] [--status S] [--reply R] [--action A] [--remote-mta H]\n"
         "             [--reporting-mta H] [--recipient ADDR] [--command C] --text TEXT\n"
         "                                            show the decision for the given facts\n"
         "daemon commands (each takes --socket PATH; default $BOUNCED_SOCKET or state/bounced.sock):\n"
         "  ingest < MESSAGE                          hand one message to bounced; exit 0 after commit,\n"
         "                                            75 when bounced cannot be reached or cannot commit\n"
         "  status [--json] ADDRESS...                active, soft (count/threshold) or hard (reason, since)\n"
         "  activity [--import FILE] [ADDRESS...]     record subscriber activity\n"
         "  unsuppress ADDRESS                        reset an address (admin)\n"
         "  history ADDRESS                           the events behind an address's state\n"
         "  export [--state hard|soft] [--format csv|json]   the suppression list\n"
         "  stats | reload | ping\n"
         "  version                                   print the version\n";
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    usage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? 64 : 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "parse") return bounced::cli::cmd_parse(args);
  if (cmd == "rules") return bounced::cli::cmd_rules(args);
  if (cmd == "ingest" || cmd == "status" || cmd == "activity" || cmd == "unsuppress" || cmd == "stats" ||
      cmd == "export" || cmd == "history" || cmd == "reload" || cmd == "ping")
    return bounced::cli::cmd_daemon(cmd, args);
  if (cmd == "version" || cmd == "--version") {
    std::cout << "bouncectl " << BOUNCED_VERSION << "\n";
    return 0;
  }
  std::cerr << "bouncectl: unknown command '" << cmd << "'\n";
  usage(std::cerr);
  return 64;
}
