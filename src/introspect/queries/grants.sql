-- Privileges on schemas, relations, columns, routines and types of the schemas in $1
-- (text[]), one row per (object, grantee, privilege). A NULL ACL stands for PostgreSQL's
-- built-in default (acldefault): routines and types are then usable by PUBLIC. Privileges an
-- object's owner holds on it are left out: they come with ownership. Objects that belong to an
-- extension are left out.
-- Columns: object_kind text ('schema', 'relation', 'column', 'routine', 'type'), schema text,
--   name text, column_name text (column privileges only), input_types text[] (routines: as in
--   functions.sql), grantee text ('PUBLIC' or a role name), privilege text (upper case, e.g.
--   SELECT, EXECUTE, USAGE; MAINTAIN appears on PostgreSQL 17), grantable bool.
-- No version-specific branch.
WITH acl AS (
    SELECT 'schema' AS object_kind, n.nspname AS schema, n.nspname AS name, NULL::name AS column_name,
           NULL::text[] AS input_types, n.nspowner AS owner,
           aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) AS x
    FROM pg_namespace n
    WHERE n.nspname = ANY ($1::text[])
  UNION ALL
    SELECT 'relation', n.nspname, c.relname, NULL, NULL, c.relowner,
           aclexplode(coalesce(c.relacl,
                               acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)))
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname = ANY ($1::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_depend e
                      WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
  UNION ALL
    SELECT 'column', n.nspname, c.relname, a.attname, NULL, c.relowner, aclexplode(a.attacl)
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE a.attacl IS NOT NULL
      AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname = ANY ($1::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_depend e
                      WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
  UNION ALL
    SELECT 'routine', n.nspname, p.proname, NULL,
           ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)
                 ORDER BY i),
           p.proowner,
           aclexplode(coalesce(p.proacl, acldefault('f', p.proowner)))
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind <> 'a'
      AND n.nspname = ANY ($1::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_depend e
                      WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype IN ('e', 'i'))
  UNION ALL
    SELECT 'type', n.nspname, t.typname, NULL, NULL, t.typowner,
           aclexplode(coalesce(t.typacl, acldefault('T', t.typowner)))
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ANY ($1::text[])
      AND (t.typtype IN ('e', 'd', 'r')
           OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r
                                           WHERE r.oid = t.typrelid AND r.relkind = 'c')))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e
                      WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
)
SELECT object_kind,
       schema::text AS schema,
       name::text AS name,
       column_name::text AS column_name,
       input_types,
       CASE WHEN (x).grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid((x).grantee)::text END AS grantee,
       (x).privilege_type AS privilege,
       (x).is_grantable AS grantable
FROM acl
WHERE (x).grantee <> owner
ORDER BY 1, 2, 3, 4, 6, 7
