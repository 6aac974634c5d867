-- The store of record on PostgreSQL. Every row table keeps the record as the LiteDB file does (its BSON document, through
-- the same mapping, so both providers read back alike) beside the columns that queries select or order by.
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO meta (key, value) VALUES ('store', replace(gen_random_uuid()::text, '-', '')), ('version', '0');

-- The change feed: one row per entry, numbered without gaps in commit order (the writer holds meta's version row).
CREATE TABLE changes (seq bigint PRIMARY KEY, at timestamptz NOT NULL, entry bytea NOT NULL);

CREATE TABLE accounts (id text PRIMARY KEY, mrr numeric NOT NULL, doc bytea NOT NULL);
CREATE TABLE mrr_history (id text PRIMARY KEY, doc bytea NOT NULL);
CREATE TABLE usage (account text NOT NULL, date date NOT NULL, users int NOT NULL, sessions int NOT NULL, minutes int NOT NULL,
    features text[] NOT NULL, PRIMARY KEY (account, date));
CREATE TABLE nps (id text PRIMARY KEY, doc bytea NOT NULL);
CREATE TABLE touchpoints (id text PRIMARY KEY, doc bytea NOT NULL);
CREATE TABLE churn_records (id text PRIMARY KEY, doc bytea NOT NULL);
CREATE TABLE surveys (id text PRIMARY KEY, lower text NOT NULL, created timestamptz NOT NULL, doc bytea NOT NULL);
CREATE TABLE optouts (id text PRIMARY KEY, doc bytea NOT NULL);
CREATE TABLE survey_refused_clicks (seq bigserial PRIMARY KEY, doc bytea NOT NULL);
CREATE TABLE snoozes (id text PRIMARY KEY, doc bytea NOT NULL);
CREATE TABLE signals (id text PRIMARY KEY, doc bytea NOT NULL);

CREATE TABLE nudges (id text PRIMARY KEY, status text NOT NULL, next timestamptz NOT NULL, sent timestamptz, created timestamptz NOT NULL,
    ref text, doc bytea NOT NULL);
CREATE INDEX nudges_due ON nudges (status, next);
CREATE INDEX nudges_sent ON nudges (sent);
CREATE INDEX nudges_created ON nudges (created);
CREATE INDEX nudges_ref ON nudges (ref);

CREATE TABLE audit (seq bigserial PRIMARY KEY, at timestamptz NOT NULL, action text NOT NULL, account text, doc bytea NOT NULL);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_account ON audit (account);

CREATE TABLE slack_event_ids (id text PRIMARY KEY, at timestamptz NOT NULL);
CREATE INDEX slack_event_ids_at ON slack_event_ids (at);
CREATE TABLE teams_conversations (id text PRIMARY KEY, json text NOT NULL, updated timestamptz NOT NULL);

-- The usage-event rollup's checkpointed state.
CREATE TABLE ingest_days (id text PRIMARY KEY, account text NOT NULL, day date NOT NULL, users bytea NOT NULL, sessions bytea NOT NULL,
    features text[] NOT NULL, events int NOT NULL, minutes float8 NOT NULL, base_users int NOT NULL, base_sessions int NOT NULL, base_minutes float8 NOT NULL);
CREATE INDEX ingest_days_day ON ingest_days (day);
CREATE TABLE ingest_users (id text PRIMARY KEY, account text, email text, traits text, alias text);
CREATE INDEX ingest_users_alias ON ingest_users (alias);
CREATE TABLE ingest_anonymous (id text PRIMARY KEY, user_key text NOT NULL);
CREATE TABLE ingest_aside (id text PRIMARY KEY, user_key text, anon text, account text, context_account text, call text NOT NULL,
    received timestamptz NOT NULL, ts timestamptz NOT NULL, feature text, minutes float8 NOT NULL, session text, json text NOT NULL);
CREATE INDEX ingest_aside_user ON ingest_aside (user_key);
CREATE INDEX ingest_aside_anon ON ingest_aside (anon);
CREATE INDEX ingest_aside_account ON ingest_aside (account);
CREATE INDEX ingest_aside_received ON ingest_aside (received);
CREATE TABLE ingest_checkpoint (id text PRIMARY KEY, file text NOT NULL, "offset" bigint NOT NULL);
