-- A pending nudge or survey taken by one host's delivery round: no other host takes it until the lease ends; any write
-- of the record (sent, failed, retried later) clears it, and a host killed mid-round leaves a lease that runs out.
ALTER TABLE nudges ADD COLUMN claimed_until timestamptz;
