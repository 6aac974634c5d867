-- The local chat's conversations, shared by the hosts behind a load balancer: one row per person (by lower-cased email,
-- with when their conversation was last used, for making room) and their last messages, each as the JSON the page reads.
CREATE TABLE chat_people (email text PRIMARY KEY, used timestamptz NOT NULL);
CREATE INDEX chat_people_used ON chat_people (used);
CREATE TABLE chat_messages (seq bigserial PRIMARY KEY, email text NOT NULL REFERENCES chat_people ON DELETE CASCADE, id text NOT NULL UNIQUE, json text NOT NULL);
CREATE INDEX chat_messages_email ON chat_messages (email, seq);
