-- Tables (relkind 'r') and partitioned tables ('p') of the schemas in $1 (text[]), not
-- belonging to an extension.
-- Columns: oid oid, schema text, name text, relkind "char", persistence "char" (p, u),
--   rls_enabled bool, rls_forced bool, options text[] (reloptions, `name=value`),
--   partition_key text (pg_get_partkeydef, partitioned tables only),
--   partition_bound text (pg_get_expr of relpartbound, partitions only),
--   parents text[] (quoted qualified names, in inhseqno order), owner text, comment text.
-- No version-specific branch (everything used exists on PostgreSQL 10 and later).
SELECT c.oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind,
       c.relpersistence AS persistence,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       c.reloptions::text[] AS options,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       ARRAY(SELECT quote_ident(pn.nspname) || '.' || quote_ident(p.relname)
             FROM pg_inherits i
             JOIN pg_class p ON p.oid = i.inhparent
             JOIN pg_namespace pn ON pn.oid = p.relnamespace
             WHERE i.inhrelid = c.oid
             ORDER BY i.inhseqno) AS parents,
       pg_get_userbyid(c.relowner)::text AS owner,
       d.description AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p')
  AND n.nspname = ANY ($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
