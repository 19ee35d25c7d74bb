-- Functions ('f'), procedures ('p') and window functions ('w') of the schemas in $1 (text[]);
-- aggregates ('a') are not modelled by the catalog and are left out, and so are routines
-- PostgreSQL made itself for another object (pg_depend deptype 'i': a range type's
-- constructors and its multirange's).
-- Columns: schema text, name text, prokind "char", definition text (pg_get_functiondef: the
--   whole CREATE OR REPLACE statement, with SET, SECURITY DEFINER, STRICT, LEAKPROOF, PARALLEL),
--   input_types text[] (format_type of each input argument, to find the catalog's key),
--   owner text, comment text.
-- No version-specific branch (prokind exists from PostgreSQL 11).
SELECT n.nspname::text AS schema,
       p.proname::text AS name,
       p.prokind,
       pg_get_functiondef(p.oid) AS definition,
       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)
             ORDER BY i) AS input_types,
       pg_get_userbyid(p.proowner)::text AS owner,
       d.description AS comment
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_proc'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY ($1::text[])
  AND p.prokind <> 'a'
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype IN ('e', 'i'))
ORDER BY n.nspname, p.proname, p.oid
