-- Indexes on tables and materialized views of the schemas in $1 (text[]) that do not back a
-- PRIMARY KEY, UNIQUE or EXCLUDE constraint and are not a partition's copy of an index on its
-- parent (pg_inherits).
-- Columns: schema text, name text, definition text (pg_get_indexdef), nulls_not_distinct bool,
--   comment text.
-- Version-specific branch: pg_index.indnullsnotdistinct exists from PostgreSQL 15; before it
-- the marker below is replaced by `false`.
SELECT n.nspname::text AS schema,
       ic.relname::text AS name,
       pg_get_indexdef(i.indexrelid) AS definition,
       /*NULLS_NOT_DISTINCT*/ AS nulls_not_distinct,
       d.description AS comment
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname = ANY ($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                  WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
                    AND k.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, ic.relname
