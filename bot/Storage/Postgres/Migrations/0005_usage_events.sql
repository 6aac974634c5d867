-- Usage events every host commits before it answers the sender: one row per messageId (the key dedupes retries sent to
-- another host), numbered in commit order (writers hold an advisory lock until they commit) for the one host that counts them.
CREATE SEQUENCE ingest_events_seq;
CREATE TABLE ingest_events (seq bigint PRIMARY KEY, message_id text NOT NULL UNIQUE, received timestamptz NOT NULL, line bytea NOT NULL);
CREATE INDEX ingest_events_received ON ingest_events (received);
