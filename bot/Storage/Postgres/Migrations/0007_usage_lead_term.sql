-- The lead of counting usage events has a term: a host that takes the lead moves it on, and a checkpoint is written only in
-- the term it was counted in (its transaction holds the row), so a host that lost the lead unnoticed (paused, cut off)
-- cannot write its older counts over the next leader's.
CREATE TABLE ingest_lead (id text PRIMARY KEY, term bigint NOT NULL);
INSERT INTO ingest_lead (id, term) VALUES ('usage', 0);
