-- The accounts command line (gateway/src/accounts.ts) writes its changes to the audit trail with
-- no signed-in actor: they are recorded via "cli".
ALTER TABLE "audit_event" DROP CONSTRAINT "audit_event_via";
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_via" CHECK ("via" IN ('session', 'api_key', 'anonymous', 'cli'));
