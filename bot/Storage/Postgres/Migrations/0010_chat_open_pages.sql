-- Until when a page of the person's is open on some host (each host renews its own pages' marks): no host drops that
-- conversation to make room for a new person before then.
ALTER TABLE chat_people ADD COLUMN open_until timestamptz;
