-- bounced store, schema version 1.
-- One row per address that ever bounced or showed activity; one row per report
-- received; one row per recipient line of a report (the event), so that every
-- decision can be explained later.

CREATE TABLE addresses (
  address      TEXT PRIMARY KEY,     -- local part as written, domain lower-cased
  state        INTEGER NOT NULL DEFAULT 0,  -- 0 active, 1 soft, 2 hard
  activity     INTEGER NOT NULL DEFAULT 0,  -- last subscriber activity (unix time), 0 = none
  first_bounce INTEGER NOT NULL DEFAULT 0,
  last_bounce  INTEGER NOT NULL DEFAULT 0,
  last_event   INTEGER NOT NULL DEFAULT 0,  -- events.id of the last bounce
  reset_at     INTEGER NOT NULL DEFAULT 0,  -- soft bounces before this do not count
  hard_since   INTEGER NOT NULL DEFAULT 0,
  hard_reason  TEXT NOT NULL DEFAULT '',
  hard_cause   TEXT NOT NULL DEFAULT ''     -- hard-bounce, promoted, complaint, operator
) WITHOUT ROWID;

CREATE TABLE reports (
  id        INTEGER PRIMARY KEY,
  hash      BLOB NOT NULL UNIQUE,          -- SHA-1 of the message bytes
  received  INTEGER NOT NULL,
  format    TEXT NOT NULL DEFAULT '',
  size      INTEGER NOT NULL,
  flag      TEXT NOT NULL DEFAULT '',      -- '' read; 'unparsed', 'norecipient', 'truncated'
  raw       BLOB                           -- kept whole for review when not understood
);

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  report_id   INTEGER NOT NULL REFERENCES reports(id),
  ts          INTEGER NOT NULL,
  address     TEXT NOT NULL,
  domain      TEXT NOT NULL,
  action      TEXT NOT NULL,
  status      TEXT NOT NULL,
  reply_code  TEXT NOT NULL,
  reason      TEXT NOT NULL,
  class       TEXT NOT NULL,
  diagnostic  TEXT NOT NULL,
  remote_mta  TEXT NOT NULL,
  format      TEXT NOT NULL,
  rule        TEXT NOT NULL,
  message_key TEXT NOT NULL,   -- returned original's Message-ID, else the report hash
  counted     INTEGER NOT NULL, -- 1 when it counts towards promotion
  note        TEXT NOT NULL     -- why it does not count, or what it changed
);
CREATE INDEX events_address ON events(address, ts);
CREATE INDEX events_domain ON events(domain, ts) WHERE counted = 1;
CREATE INDEX events_message ON events(address, message_key);
