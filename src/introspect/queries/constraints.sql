-- Table constraints declared on the tables of tables.sql: PRIMARY KEY, UNIQUE, FOREIGN KEY,
-- CHECK and EXCLUDE. Left out: NOT NULL constraints (contype 'n', PostgreSQL 18; NOT NULL is a
-- column property in the catalog), constraint triggers ('t', read by triggers.sql), constraints
-- inherited from a parent (conislocal false) or cloned onto a partition (conparentid <> 0).
-- Columns: table_oid oid, name text, contype "char", definition text (pg_get_constraintdef:
--   includes DEFERRABLE, INITIALLY DEFERRED, NOT VALID, NO INHERIT and, on 15+, NULLS NOT
--   DISTINCT), comment text.
-- No version-specific branch.
SELECT k.conrelid AS table_oid,
       k.conname::text AS name,
       k.contype,
       pg_get_constraintdef(k.oid) AS definition,
       d.description AS comment
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = k.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p')
  AND n.nspname = ANY ($1::text[])
  AND k.contype NOT IN ('n', 't')
  AND k.conislocal
  AND k.conparentid = 0
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY k.conrelid, k.conname
