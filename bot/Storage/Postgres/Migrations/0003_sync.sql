-- The syncs from the systems of record (Stripe, HubSpot): each synced account's sources (an import may not overwrite
-- their fields), each source's cursor for the next incremental read, and the webhook events applied (each once).
CREATE TABLE synced_accounts (id text PRIMARY KEY, sources text[] NOT NULL);
CREATE TABLE sync_cursors (source text PRIMARY KEY, value text NOT NULL);
CREATE TABLE sync_event_ids (id text PRIMARY KEY, at timestamptz NOT NULL);
CREATE INDEX sync_event_ids_at ON sync_event_ids (at);
