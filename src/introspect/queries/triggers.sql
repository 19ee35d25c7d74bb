-- User triggers (not internal ones, which implement foreign keys, and not a partition's clone
-- of its parent's trigger) on relations of the schemas in $1 (text[]).
-- Columns: schema text, table_name text, name text, definition text (pg_get_triggerdef),
--   comment text.
-- No version-specific branch (tgparentid exists from PostgreSQL 13).
SELECT n.nspname::text AS schema,
       c.relname::text AS table_name,
       t.tgname::text AS name,
       pg_get_triggerdef(t.oid, false) AS definition,
       d.description AS comment
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_trigger'::regclass AND d.objsubid = 0
WHERE NOT t.tgisinternal
  AND t.tgparentid = 0
  AND n.nspname = ANY ($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname, t.tgname
