-- bounced store, schema version 2.
-- The two questions asked of an address's events answer from their index alone, with
-- no event row read: its soft-bounce count (every status query of a soft address,
-- one row per counted bounce before) and whether a failed message was counted already
-- (every soft bounce ingested). Rebuilding them reads each event once, at the first
-- start after the upgrade.
DROP INDEX IF EXISTS events_address;
CREATE INDEX events_address ON events(address, ts, counted, class);
DROP INDEX IF EXISTS events_message;
CREATE INDEX events_message ON events(address, message_key, counted);
