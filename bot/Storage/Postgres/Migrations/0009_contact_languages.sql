-- Each customer contact's language as Segment's identify calls last gave it (traits.locale, else context.locale), by lower-cased email.
CREATE TABLE contact_languages (id text PRIMARY KEY, doc bytea NOT NULL);
