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
-- Format 2: personal texts are sealed with their plan's key in leerpad.plan_keys. A store
-- with records of format 1 keeps them in plain text; an empty one is format 2 from now on.
UPDATE leerpad.store SET format = 2 WHERE format = 1 AND last_seq = 0;

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
-- Whether a plan already has records (its key may no longer be replaced), whether it was erased.
CREATE INDEX IF NOT EXISTS records_plan ON leerpad.records (plan, type);

-- Who has which role, folded from the access.* records by the append function:
-- what row-level security reads. Nobody but the owner reads or writes it directly.
CREATE TABLE IF NOT EXISTS leerpad.roles (
    login text NOT NULL,
    role text NOT NULL,
    all_plans boolean NOT NULL DEFAULT false,
    plans text[] NOT NULL DEFAULT ARRAY[]::text[],
    PRIMARY KEY (login, role)
);

-- The data key of each plan (docs/PRIVACY.md): written only by leerpad.create_key before
-- the plan's first record, destroyed (key NULL) by the plan's erasure. `record` is the id
-- of the record that first uses the key (its plan.created).
CREATE TABLE IF NOT EXISTS leerpad.plan_keys (
    plan text PRIMARY KEY CHECK (plan <> ''),
    key bytea CHECK (octet_length(key) = 32),
    record text NOT NULL,
    created timestamptz NOT NULL,
    destroyed timestamptz,
    CHECK ((key IS NULL) = (destroyed IS NOT NULL))
);

CREATE OR REPLACE FUNCTION leerpad.genesis(p_log_id uuid) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog AS $$
    SELECT encode(sha256(convert_to(E'LEERPAD-PG\n', 'UTF8') || uuid_send(p_log_id)), 'hex')
$$;

CREATE OR REPLACE FUNCTION leerpad.field(p_text text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog AS $$
    SELECT int4send(octet_length(convert_to(p_text, 'UTF8'))) || convert_to(p_text, 'UTF8')
$$;

-- Each text as leerpad.field encodes it, written out here: a function call per field (with
-- its pinned search_path) made this several times slower than the expression itself.
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
        || int4send(octet_length(convert_to(p_id, 'UTF8'))) || convert_to(p_id, 'UTF8')
        || int4send(octet_length(convert_to(p_actor, 'UTF8'))) || convert_to(p_actor, 'UTF8')
        || int4send(octet_length(convert_to(p_plan, 'UTF8'))) || convert_to(p_plan, 'UTF8')
        || int4send(octet_length(convert_to(p_type, 'UTF8'))) || convert_to(p_type, 'UTF8')
        || int4send(octet_length(convert_to(p_subject, 'UTF8'))) || convert_to(p_subject, 'UTF8')
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
    IF p_type = 'plan.created' AND head.format >= 2 AND NOT EXISTS (
        SELECT 1 FROM leerpad.plan_keys k
        WHERE k.plan = p_plan AND k.record = p_id AND k.key IS NOT NULL
    ) THEN
        -- Someone made the plan's key again since (the same plan id, decided twice at
        -- once): this record's texts would not open with it. The client decides again.
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

-- What every record is checked for before it is linked into the chain, and what it
-- changes beside it: an access change folds into leerpad.roles, an erasure destroys the
-- plan's key (in the same transaction as the record: no moment with the one and not the
-- other).
CREATE OR REPLACE FUNCTION leerpad.admit_record(
    p_time timestamptz, p_actor text, p_plan text, p_type text, p_subject text, p_access jsonb
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
DECLARE
    -- When roles are on, access changes and erasures are an admin's (core/access.py).
    admin_only boolean := (p_type LIKE 'access.%' OR p_type = 'plan.erased')
        AND EXISTS (SELECT 1 FROM leerpad.roles)
        AND NOT EXISTS (SELECT 1 FROM leerpad.roles WHERE login = p_actor AND role = 'admin');
BEGIN
    IF p_type LIKE 'access.%' THEN
        IF p_access IS NULL OR p_subject IS DISTINCT FROM p_access ->> 'login' THEN
            RAISE EXCEPTION 'an access change needs its login, role and plans'
                USING ERRCODE = '22023';
        END IF;
        IF admin_only THEN
            RAISE EXCEPTION 'only an admin may change access' USING ERRCODE = '42501';
        END IF;
        PERFORM leerpad.fold_access(p_type, p_access);
    ELSIF p_subject <> '' THEN
        RAISE EXCEPTION 'only an access change is about a login' USING ERRCODE = '22023';
    END IF;
    IF p_type = 'plan.erased' THEN
        IF admin_only THEN
            RAISE EXCEPTION 'only an admin may erase a plan' USING ERRCODE = '42501';
        END IF;
        UPDATE leerpad.plan_keys SET key = NULL, destroyed = p_time
        WHERE plan = p_plan AND key IS NOT NULL;
    END IF;
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
    p_time := date_trunc('microseconds', p_time);
    PERFORM leerpad.admit_record(p_time, p_actor, p_plan, p_type, p_subject, p_access);
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

-- `leerpad store copy` in batches: leerpad.import_record for each row of the arrays, in
-- order, in one call (the same checks, the same chain), with one insert and one update
-- of the head. Executable by the owner (and superusers) alone, before the first append.
CREATE OR REPLACE FUNCTION leerpad.import_records(
    p_ids text[], p_times timestamptz[], p_actors text[], p_plans text[], p_types text[],
    p_subjects text[], p_payloads bytea[], p_vs integer[], p_access jsonb[]
) RETURNS TABLE (r_seq bigint, r_time timestamptz, r_hash text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
DECLARE
    head leerpad.store;
    n integer := coalesce(cardinality(p_ids), 0);
    seqs bigint[] := ARRAY[]::bigint[];
    times timestamptz[] := ARRAY[]::timestamptz[];
    prevs text[] := ARRAY[]::text[];
    hashes text[] := ARRAY[]::text[];
    prev text;
    seq bigint;
    when_ timestamptz;
BEGIN
    SELECT * INTO STRICT head FROM leerpad.store FOR UPDATE;
    IF NOT head.importing THEN
        RAISE EXCEPTION 'records were already appended to this store: copy only into a new one'
            USING ERRCODE = '55000';
    END IF;
    IF n = 0 THEN
        RETURN;
    END IF;
    IF cardinality(p_times) <> n OR cardinality(p_actors) <> n OR cardinality(p_plans) <> n
       OR cardinality(p_types) <> n OR cardinality(p_subjects) <> n
       OR cardinality(p_payloads) <> n OR cardinality(p_vs) <> n
       OR cardinality(p_access) <> n THEN
        RAISE EXCEPTION 'the columns of a batch differ in length' USING ERRCODE = '22023';
    END IF;
    prev := head.last_hash;
    seq := head.last_seq;
    FOR i IN 1 .. n LOOP
        seq := seq + 1;
        when_ := date_trunc('microseconds', p_times[i]);
        -- Only these can be refused or change something beside the record (most are not).
        IF p_types[i] LIKE 'access.%' OR p_types[i] = 'plan.erased' OR p_subjects[i] <> '' THEN
            PERFORM leerpad.admit_record(
                when_, p_actors[i], p_plans[i], p_types[i], p_subjects[i], p_access[i]
            );
        END IF;
        seqs[i] := seq;
        times[i] := when_;
        prevs[i] := prev;
        prev := leerpad.record_hash(
            prev, seq, when_, p_vs[i], p_ids[i], p_actors[i], p_plans[i], p_types[i],
            p_subjects[i], p_payloads[i]
        );
        hashes[i] := prev;
    END LOOP;
    INSERT INTO leerpad.records (seq, id, time, actor, plan, type, subject, payload, v, prev, hash)
    SELECT * FROM unnest(
        seqs, p_ids, times, p_actors, p_plans, p_types, p_subjects, p_payloads, p_vs, prevs,
        hashes
    );
    UPDATE leerpad.store SET last_seq = seq, last_hash = prev;
    PERFORM pg_notify('leerpad_records', seq::text);
    RETURN QUERY SELECT * FROM unnest(seqs, times, hashes);
END
$$;

-- A new plan's key, made by the client, stored (and committed) before the plan's first
-- record `p_record`. Replacing a key is refused once the plan has records: that would
-- erase its texts without an erasure record.
CREATE OR REPLACE FUNCTION leerpad.create_key(p_plan text, p_key bytea, p_record text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
BEGIN
    IF octet_length(p_key) IS DISTINCT FROM 32 OR coalesce(p_plan, '') = '' THEN
        RAISE EXCEPTION 'a plan key is 32 bytes, for a named plan' USING ERRCODE = '22023';
    END IF;
    -- Taken in the order appends take it: no record of this plan can land meanwhile.
    PERFORM 1 FROM leerpad.store FOR UPDATE;
    IF EXISTS (SELECT 1 FROM leerpad.records WHERE plan = p_plan) THEN
        RAISE EXCEPTION 'plan % already has records: its key cannot be made again', p_plan
            USING ERRCODE = '42501';
    END IF;
    INSERT INTO leerpad.plan_keys AS k (plan, key, record, created)
    VALUES (p_plan, p_key, p_record, now())
    ON CONFLICT (plan) DO UPDATE
    SET key = excluded.key, record = excluded.record, created = excluded.created,
        destroyed = NULL;
END
$$;

-- Destroy the key of an erased plan that still has one (the erasure's own append already
-- did; this is for a key row put back from a backup). Refused for a plan not erased.
CREATE OR REPLACE FUNCTION leerpad.destroy_key(p_plan text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = leerpad, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM leerpad.records WHERE plan = p_plan AND type = 'plan.erased')
    THEN
        RAISE EXCEPTION 'plan % was not erased: its key stays', p_plan USING ERRCODE = '42501';
    END IF;
    UPDATE leerpad.plan_keys SET key = NULL, destroyed = now()
    WHERE plan = p_plan AND key IS NOT NULL;
    RETURN FOUND;
END
$$;

ALTER TABLE leerpad.records ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS readable ON leerpad.records;
-- `(SELECT leerpad.sees_all())` is asked once per query (an InitPlan), not once per row:
-- whoever may read every record pays no function call per row (a catch-up reads them all).
CREATE POLICY readable ON leerpad.records FOR SELECT
    USING ((SELECT leerpad.sees_all()) OR leerpad.may_read(plan, subject));
-- A trainee reads the key of their own plan only, as its records.
ALTER TABLE leerpad.plan_keys ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS readable ON leerpad.plan_keys;
CREATE POLICY readable ON leerpad.plan_keys FOR SELECT
    USING ((SELECT leerpad.sees_all()) OR leerpad.may_read(plan, ''));

INSERT INTO leerpad.store (log_id, last_hash, format)
SELECT id, leerpad.genesis(id), 2 FROM (SELECT gen_random_uuid() AS id) AS fresh
WHERE NOT EXISTS (SELECT 1 FROM leerpad.store);

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA leerpad FROM PUBLIC;
RESET ROLE;
