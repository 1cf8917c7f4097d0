-- What the team role {group} may do in a leerpad store: read (row-level security
-- decides which rows) and append through leerpad.append. Nothing else.
GRANT USAGE ON SCHEMA leerpad TO {group};
GRANT SELECT ON leerpad.records, leerpad.store TO {group};
GRANT EXECUTE ON FUNCTION
    leerpad.append(bigint, text, text, text, text, bytea, integer, jsonb),
    leerpad.may_read(text, text),
    leerpad.sees_all(),
    leerpad.roles_held(),
    leerpad.record_hash(text, bigint, timestamptz, integer, text, text, text, text, text, bytea),
    leerpad.field(text),
    leerpad.genesis(uuid)
TO {group};
