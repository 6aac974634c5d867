-- Each team member's language as their chat last told it (Slack's users.info locale, a Teams activity's), by lower-cased email.
CREATE TABLE member_languages (id text PRIMARY KEY, doc bytea NOT NULL);
