-- Roles, schemas and outbox tables of the order platform.
--
-- Run by a superuser in the platform database: by devstack (packages/devstack) on every `up`
-- and by the Postgres container's entrypoint under docker compose. Idempotent: every
-- statement checks before it creates, so it can run again and again.
--
--   service roles  basket, orders, payment, shipping, email (and views, the read side):
--                  LOGIN, password = role name, each owns the schema of its name and has
--                  search_path = that schema; no access to the other schemas. views
--                  also owns views_rebuild, where replays build new tables.
--   outbox         one insert-only table per service schema, captured by Debezium.
--   debezium       LOGIN REPLICATION, reads the outbox tables through the publication
--                  outbox_publication (pgoutput, inserts only).

DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['basket', 'orders', 'payment', 'shipping', 'email', 'views'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r, r);
    ELSE
      EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', r, r);
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', r, r);
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r, r);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', r);
    EXECUTE format('ALTER ROLE %I SET search_path = %I', r, r);
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), r);
  END LOOP;

  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'debezium') THEN
    CREATE ROLE debezium LOGIN REPLICATION PASSWORD 'debezium';
  ELSE
    ALTER ROLE debezium LOGIN REPLICATION PASSWORD 'debezium';
  END IF;
  -- Debezium needs only SELECT and replication (the publication is created here, and
  -- publication.autocreate.mode=disabled); CREATE lets it keep its own bookkeeping
  -- objects if ever configured to (signal tables and the like).
  EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO debezium', current_database());

  -- The read side rebuilds a view into new tables here while the live ones in `views`
  -- keep serving, then moves them over in one transaction (pnpm replay).
  CREATE SCHEMA IF NOT EXISTS views_rebuild AUTHORIZATION views;
  ALTER SCHEMA views_rebuild OWNER TO views;
  REVOKE ALL ON SCHEMA views_rebuild FROM PUBLIC;

  -- A service sees its own schema only: not even the public schema (superusers, such
  -- as the tests' connections, are not affected).
  REVOKE ALL ON SCHEMA public FROM PUBLIC;
END
$$;

-- The outbox of each service: one row per event, written in the same transaction as
-- the state change, never updated or deleted. Debezium's outbox event router turns a
-- row into a Kafka record: key = aggregateid, topic = topic, value = payload (Avro in
-- the Confluent wire format, passed through unchanged), headers id and eventType.
DO $$
DECLARE
  s text;
BEGIN
  FOREACH s IN ARRAY ARRAY['basket', 'orders', 'payment', 'shipping', 'email'] LOOP
    EXECUTE format($t$
      CREATE TABLE IF NOT EXISTS %I.outbox (
        id            uuid        PRIMARY KEY,
        aggregatetype text        NOT NULL,
        aggregateid   text        NOT NULL,
        type          text        NOT NULL,
        topic         text        NOT NULL,
        payload       bytea       NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )$t$, s);
    -- Owned by the provisioning superuser, not the service: an owner could grant itself
    -- UPDATE or DELETE back, so only the grants below make the table truly insert-only.
    EXECUTE format('ALTER TABLE %I.outbox OWNER TO %I', s, current_user);
    EXECUTE format('ALTER TABLE %I.outbox REPLICA IDENTITY DEFAULT', s);
    -- Insert-only: the service may insert and read, nothing else (old rows go through
    -- housekeeping.prune_outbox below).
    EXECUTE format('REVOKE ALL ON TABLE %I.outbox FROM PUBLIC', s);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE %I.outbox FROM %I', s, s);
    EXECUTE format('GRANT INSERT, SELECT ON TABLE %I.outbox TO %I', s, s);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO debezium', s);
    EXECUTE format('GRANT SELECT ON TABLE %I.outbox TO debezium', s);
  END LOOP;

  -- Debezium's heartbeat table. The replication slot advances only when Debezium confirms
  -- an LSN it has received; with no outbox traffic in this database (while the registry's
  -- database, say, keeps writing WAL) nothing would arrive and the slot would pin WAL.
  -- The connector's heartbeat.action.query inserts here; the row travels through the
  -- publication, is filtered out by table.include.list, and moves the slot on.
  CREATE SCHEMA IF NOT EXISTS cdc AUTHORIZATION debezium;
  CREATE TABLE IF NOT EXISTS cdc.heartbeat (
    beat_at timestamptz NOT NULL DEFAULT now()
  );
  ALTER TABLE cdc.heartbeat OWNER TO debezium;

  IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'outbox_publication') THEN
    CREATE PUBLICATION outbox_publication
      FOR TABLE basket.outbox, orders.outbox, payment.outbox, shipping.outbox, email.outbox, cdc.heartbeat
      WITH (publish = 'insert');
  ELSIF NOT EXISTS (SELECT FROM pg_publication_tables
                    WHERE pubname = 'outbox_publication' AND schemaname = 'cdc' AND tablename = 'heartbeat') THEN
    ALTER PUBLICATION outbox_publication ADD TABLE cdc.heartbeat;
  END IF;
END
$$;

-- Outbox housekeeping. Debezium reads outbox rows from the WAL, not from the table, and the
-- publication carries inserts only, so deleting a committed row never affects delivery:
-- old rows are storage, kept for a while for inspection. The services may not DELETE
-- (insert-only), so pruning goes through this function, which deletes only from the outbox
-- of the schema named after the calling role, and only rows older than the retention.
CREATE SCHEMA IF NOT EXISTS housekeeping;
GRANT USAGE ON SCHEMA housekeeping TO PUBLIC;
CREATE OR REPLACE FUNCTION housekeeping.prune_outbox(retention interval)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $fn$
DECLARE
  target text := session_user;
  deleted bigint;
BEGIN
  IF retention < interval '0' THEN
    RAISE EXCEPTION 'retention must not be negative, got %', retention;
  END IF;
  IF NOT EXISTS (
    SELECT FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
    WHERE n.nspname = target AND r.rolname = target
  ) OR to_regclass(format('%I.outbox', target)) IS NULL THEN
    RAISE EXCEPTION 'role % has no schema of its own with an outbox table', target;
  END IF;
  EXECUTE format('DELETE FROM %I.outbox WHERE created_at < now() - $1', target) USING retention;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END
$fn$;
REVOKE ALL ON FUNCTION housekeeping.prune_outbox(interval) FROM PUBLIC;
DO $$
DECLARE
  s text;
BEGIN
  FOREACH s IN ARRAY ARRAY['basket', 'orders', 'payment', 'shipping', 'email'] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION housekeeping.prune_outbox(interval) TO %I', s);
  END LOOP;
END
$$;
