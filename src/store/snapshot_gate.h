// snapshot_gate.h - lets the daemon's read connections keep one read transaction (a
// snapshot) from request to request while it is still the newest, instead of taking
// and releasing SQLite's WAL read lock (two fcntl calls and an fstat) and running
// BEGIN and COMMIT for every request: about a third of a status query's cost.
//
// The writer, in the same process, makes every write: it moves `generation` on after
// each commit and before anyone is told of the commit, so a read connection whose
// snapshot was begun at the current generation has seen every acknowledged write.
// A held snapshot stops each checkpoint at it; while the WAL is past its checkpoint
// size the writer sets `yield`, and read connections then end their transaction after
// each request (as without a gate) until a checkpoint has let the WAL start over.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace bounced {

struct SnapshotGate {
  std::atomic<std::uint64_t> generation{0};
  std::atomic<bool> yield{false};
  // Writes from outside the daemon (the sqlite3 shell) move no generation: a snapshot
  // serves no request once it is this old, so they show within it.
  std::chrono::steady_clock::duration max_age = std::chrono::milliseconds(50);

  // The writer, after each commit (or failed attempt), before it answers anyone.
  void committed() { generation.fetch_add(1, std::memory_order_acq_rel); }
};

}  // namespace bounced
