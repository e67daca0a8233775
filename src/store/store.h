// store.h - the suppression store: address states, reports and events.
//
// An interface, so that tests can inject failures; SqliteStore is the real one.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/record.h"

namespace bounced {

enum class AddressState { kActive = 0, kSoft = 1, kHard = 2 };
const char* state_name(AddressState s);

struct AddressStatus {
  std::string address;
  AddressState state = AddressState::kActive;
  int soft_count = 0;
  int threshold = 0;
  std::string reason;      // last reason (hard reason when hard)
  std::int64_t since = 0;  // hard since (unix time), 0 when not hard
  std::string cause;       // hard-bounce, promoted, complaint, operator
  bool activity = false;
};

struct EventRow {
  std::int64_t ts = 0;
  std::string action, status, reply_code, reason, klass, diagnostic, remote_mta, format, rule,
      message_key, note;
  bool counted = false;
};

struct CountingPolicy {
  int threshold_inactive = 7;    // soft bounces to promote an address without activity
  int threshold_active = 15;     // ... with recorded subscriber activity
  std::int64_t window_seconds = 90 * 86400;  // soft bounces older than this stop counting
  std::vector<std::string> not_counted = {"blocked", "badreputation", "requireptr", "authfailure",
                                          "norelaying", "securityerror", "speeding", "toomanyconn",
                                          "rejected"};
  bool complaint_suppresses = true;
  int breaker_addresses = 50;    // distinct addresses of one domain ...
  std::int64_t breaker_seconds = 600;  // ... soft-bouncing within this window trip the breaker
};

struct IngestOutcome {
  bool duplicate = false;        // the very same report was stored before
  std::int64_t report_id = 0;
  std::vector<std::string> decisions;  // one line per recipient, for the log
  bool breaker_tripped = false;
  std::string breaker_domain;
};

struct StoreStats {
  std::int64_t addresses = 0, hard = 0, soft = 0, reports = 0, events = 0, unparsed = 0;
};

struct IngestItem {
  const std::string* raw = nullptr;  // the message as received
  const Report* report = nullptr;    // what the parser made of it
  std::string flag;                  // '' understood; 'unparsed', 'norecipient', 'truncated'
};

class Store {
 public:
  virtual ~Store() = default;
  // Records reports in one transaction (group commit): all or nothing. The raw
  // message is kept when a report was not understood. Throws StoreError on failure.
  virtual std::vector<IngestOutcome> ingest(const std::vector<IngestItem>& items,
                                            std::int64_t now) = 0;
  virtual std::vector<AddressStatus> status(const std::vector<std::string>& addresses,
                                            std::int64_t now) = 0;
  virtual void record_activity(const std::vector<std::string>& addresses, std::int64_t now) = 0;
  // Returns false when the address was not suppressed.
  virtual bool unsuppress(const std::string& address, std::int64_t now) = 0;
  virtual std::vector<EventRow> history(const std::string& address) = 0;
  virtual std::vector<AddressStatus> list_state(AddressState state, std::int64_t now) = 0;
  virtual StoreStats stats() = 0;
  // Ends a read transaction this connection keeps between requests (SnapshotGate), so
  // that it no longer holds back the WAL's checkpoint. Called on the connection's thread.
  virtual void release_snapshot() {}
};

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The database's schema is newer than this build knows: never touched, never served.
struct SchemaError : StoreError {
  using StoreError::StoreError;
};

}  // namespace bounced
