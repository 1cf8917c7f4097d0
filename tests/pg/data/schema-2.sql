-- A leerpad store in PostgreSQL: schema leerpad, owned by a role nobody logs in as.
-- Run by `leerpad init-store postgresql://... --group ROLE` as the database superuser;
-- {owner} and {group} are replaced by quoted role names. docs/FORMAT.md explains it.
--
-- Running it again is safe and is how a store made by an earlier leerpad is upgraded:
-- every statement creates what is missing or replaces a function, and never touches a
-- record. init-store then sets leerpad.store.schema_version (core/pgstore.py SCHEMA_VERSION).
-- A change CREATE OR REPLACE cannot make (a function's result type) drops the old
-- definition first, here, guarded by IF EXISTS.

CREATE SCHEMA IF NOT EXISTS leerpad AUTHORIZATION {owner};
SET ROLE {owner};

CREATE TABLE IF NOT EXISTS leerpad.store (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    log_id uuid NOT NULL,
    format integer NOT NULL DEFAULT 1,
    last_seq bigint NOT NULL DEFAULT 0,
    last_hash text NOT NULL,
    importing boolean NOT NULL DEFAULT true
);
-- Stores made before the column existed are schema 1.
ALTER TABLE leerpad.store ADD COLUMN IF NOT EXISTS schema_version integer NOT NULL DEFAULT 1;

CREATE TABLE IF NOT EXISTS leerpad.records (
    seq bigint PRIMARY KEY,
    id text NOT NULL UNIQUE,
    time timestamptz NOT NULL,
    actor text NOT NULL,
    plan text NOT NULL,
    type text NOT NULL,
    subject text NOT NULL,
    payload bytea NOT NULL,
    v integer NOT NULL,
    prev text NOT NULL,
    hash text NOT NULL
);

-- Who has which role, folded from the access.* records by the append function:
-- what row-level security reads. Nobody but the owner reads or writes it directly.
CREATE TABLE IF NOT EXISTS leerpad.roles (
    login text NOT NULL,
    role text NOT NULL,
    all_plans boolean NOT NULL DEFAULT false,
    plans text[] NOT NULL DEFAULT ARRAY[]::text[],
    PRIMARY KEY (login, role)
);

CREATE OR REPLACE FUNCTION leerpad.genesis(p_log_id uuid) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog AS $$
    SELECT encode(sha256(convert_to(E'LEERPAD-PG\n', 'UTF8') || uuid_send(p_log_id)), 'hex')
$$;

CREATE OR REPLACE FUNCTION leerpad.field(p_text text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog AS $$
    SELECT int4send(octet_length(convert_to(p_text, 'UTF8'))) || convert_to(p_text, 'UTF8')
$$;

CREATE OR REPLACE FUNCTION leerpad.record_hash(
    p_prev text, p_seq bigint, p_time timestamptz, p_v integer, p_id text, p_actor text,
    p_plan text, p_type text, p_subject text, p_payload bytea
) RETURNS text
LANGUAGE sql STABLE STRICT SET search_path = pg_catalog AS $$
    SELECT encode(sha256(
        decode(p_prev, 'hex')
        || int8send(p_seq)
        || int8send((extract(epoch FROM p_time) * 1000000)::bigint)
        || int4send(p_v)
        || leerpad.field(p_id) || leerpad.field(p_actor) || leerpad.field(p_plan)
        || leerpad.field(p_type) || leerpad.field(p_subject)
        || int4send(octet_length(p_payload)) || p_payload
    ), 'hex')
$$;

-- What row-level security asks: may the logged-in user read a record of this plan
-- (about this login)? Mirrors core/access.py's visible_plans.
CREATE OR REPLACE FUNCTION leerpad.may_read(p_plan text, p_subject text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
    SELECT NOT EXISTS (SELECT 1 FROM leerpad.roles)
        OR EXISTS (
            SELECT 1 FROM leerpad.roles r
            WHERE r.login = session_user
              AND (r.role IN ('admin', 'mentor', 'consultant')
                   OR (r.role = 'trainee' AND p_plan = ANY (r.plans)))
        )
        OR (p_subject <> '' AND p_subject = session_user)
$$;

CREATE OR REPLACE FUNCTION leerpad.sees_all() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
    SELECT NOT EXISTS (SELECT 1 FROM leerpad.roles)
        OR EXISTS (
            SELECT 1 FROM leerpad.roles r
            WHERE r.login = session_user AND r.role IN ('admin', 'mentor', 'consultant')
        )
$$;

-- What `leerpad verify` compares with the roles it folds from the records itself;
-- only for someone who may read every record (the table names every trainee's plans).
CREATE OR REPLACE FUNCTION leerpad.roles_held()
RETURNS TABLE (r_login text, r_role text, r_all_plans boolean, r_plans text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
    SELECT r.login, r.role, r.all_plans, r.plans FROM leerpad.roles r
    WHERE leerpad.sees_all() ORDER BY r.login, r.role
$$;

CREATE OR REPLACE FUNCTION leerpad.fold_access(kind text, change jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
DECLARE
    who text := change ->> 'login';
    what text := change ->> 'role';
    listed text[] := ARRAY(SELECT jsonb_array_elements_text(change -> 'plans'));
    every boolean := (change ->> 'all_plans')::boolean;
BEGIN
    IF kind = 'access.granted' THEN
        INSERT INTO leerpad.roles AS r (login, role) VALUES (who, what) ON CONFLICT DO NOTHING;
        IF every THEN
            UPDATE leerpad.roles SET all_plans = true, plans = ARRAY[]::text[]
            WHERE login = who AND role = what;
        ELSE
            UPDATE leerpad.roles
            SET plans = ARRAY(SELECT DISTINCT p FROM unnest(plans || listed) AS p ORDER BY p)
            WHERE login = who AND role = what AND NOT all_plans;
        END IF;
    ELSIF kind = 'access.revoked' THEN
        IF every OR cardinality(listed) > 0 THEN
            UPDATE leerpad.roles
            SET all_plans = all_plans AND NOT every,
                plans = ARRAY(SELECT p FROM unnest(plans) AS p WHERE p <> ALL (listed) ORDER BY p)
            WHERE login = who AND role = what;
        ELSE
            DELETE FROM leerpad.roles WHERE login = who AND role = what;
        END IF;
    END IF;
END
$$;

-- The one way records are appended. The database stamps seq, time and actor and
-- links the hash chain; a caller whose expected seq is stale gets no row back and
-- decides its command again on the fresh state.
CREATE OR REPLACE FUNCTION leerpad.append(
    expected bigint, p_id text, p_plan text, p_type text, p_subject text, p_payload bytea,
    p_v integer, p_access jsonb
) RETURNS TABLE (r_seq bigint, r_time timestamptz, r_actor text, r_prev text, r_hash text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
DECLARE
    head leerpad.store;
BEGIN
    SELECT * INTO STRICT head FROM leerpad.store FOR UPDATE;
    IF head.last_seq <> expected THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM leerpad.write_record(
        head, p_id, now(), session_user, p_plan, p_type, p_subject, p_payload, p_v, p_access
    );
    UPDATE leerpad.store SET importing = false;
END
$$;

-- For `leerpad store copy` only: records keep the time and actor they had in the
-- source. Executable by the owner (and superusers) alone, and only while nothing
-- was ever appended through leerpad.append.
CREATE OR REPLACE FUNCTION leerpad.import_record(
    p_id text, p_time timestamptz, p_actor text, p_plan text, p_type text, p_subject text,
    p_payload bytea, p_v integer, p_access jsonb
) RETURNS TABLE (r_seq bigint, r_time timestamptz, r_actor text, r_prev text, r_hash text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
DECLARE
    head leerpad.store;
BEGIN
    SELECT * INTO STRICT head FROM leerpad.store FOR UPDATE;
    IF NOT head.importing THEN
        RAISE EXCEPTION 'records were already appended to this store: copy only into a new one'
            USING ERRCODE = '55000';
    END IF;
    RETURN QUERY SELECT * FROM leerpad.write_record(
        head, p_id, p_time, p_actor, p_plan, p_type, p_subject, p_payload, p_v, p_access
    );
END
$$;

CREATE OR REPLACE FUNCTION leerpad.write_record(
    head leerpad.store, p_id text, p_time timestamptz, p_actor text, p_plan text, p_type text,
    p_subject text, p_payload bytea, p_v integer, p_access jsonb
) RETURNS TABLE (r_seq bigint, r_time timestamptz, r_actor text, r_prev text, r_hash text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
DECLARE
    new_seq bigint := head.last_seq + 1;
    new_hash text;
BEGIN
    IF p_type LIKE 'access.%' THEN
        IF p_access IS NULL OR p_subject IS DISTINCT FROM p_access ->> 'login' THEN
            RAISE EXCEPTION 'an access change needs its login, role and plans'
                USING ERRCODE = '22023';
        END IF;
        IF EXISTS (SELECT 1 FROM leerpad.roles)
           AND NOT EXISTS (
               SELECT 1 FROM leerpad.roles WHERE login = p_actor AND role = 'admin'
           ) THEN
            RAISE EXCEPTION 'only an admin may change access' USING ERRCODE = '42501';
        END IF;
        PERFORM leerpad.fold_access(p_type, p_access);
    ELSIF p_subject <> '' THEN
        RAISE EXCEPTION 'only an access change is about a login' USING ERRCODE = '22023';
    END IF;
    p_time := date_trunc('microseconds', p_time);
    new_hash := leerpad.record_hash(
        head.last_hash, new_seq, p_time, p_v, p_id, p_actor, p_plan, p_type, p_subject, p_payload
    );
    INSERT INTO leerpad.records (seq, id, time, actor, plan, type, subject, payload, v, prev, hash)
    VALUES (new_seq, p_id, p_time, p_actor, p_plan, p_type, p_subject, p_payload, p_v,
            head.last_hash, new_hash);
    UPDATE leerpad.store SET last_seq = new_seq, last_hash = new_hash;
    PERFORM pg_notify('leerpad_records', new_seq::text);
    RETURN QUERY SELECT new_seq, p_time, p_actor, head.last_hash, new_hash;
END
$$;

ALTER TABLE leerpad.records ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS readable ON leerpad.records;
CREATE POLICY readable ON leerpad.records FOR SELECT USING (leerpad.may_read(plan, subject));

INSERT INTO leerpad.store (log_id, last_hash)
SELECT id, leerpad.genesis(id) FROM (SELECT gen_random_uuid() AS id) AS fresh
WHERE NOT EXISTS (SELECT 1 FROM leerpad.store);

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA leerpad FROM PUBLIC;
RESET ROLE;
