-- Managed schemas: those named in $1 (text[]), or every non-system schema when $1 is empty
-- (the tool's own schema `schema_tool`, which holds the apply history, is a system schema here).
-- Schemas created by an extension (pg_depend deptype 'e') are left out.
-- Columns: oid oid, name text, owner text, comment text (NULL when none).
-- No version-specific branch.
SELECT n.oid,
       n.nspname::text AS name,
       pg_get_userbyid(n.nspowner)::text AS owner,
       d.description AS comment
FROM pg_namespace n
LEFT JOIN pg_description d
       ON d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0
WHERE CASE WHEN cardinality($1::text[]) = 0
           THEN n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
                AND n.nspname <> 'schema_tool'
           ELSE n.nspname = ANY ($1::text[]) END
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
ORDER BY n.nspname
