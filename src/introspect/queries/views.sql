-- Views (relkind 'v') and materialized views ('m') of the schemas in $1 (text[]).
-- Columns: schema text, name text, relkind "char", definition text (pg_get_viewdef, not
--   pretty-printed), options text[] (reloptions, including check_option and security_invoker),
--   populated bool (false: a materialized view created WITH NO DATA), owner text, comment text.
-- No version-specific branch.
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind,
       pg_get_viewdef(c.oid, false) AS definition,
       c.reloptions::text[] AS options,
       c.relispopulated AS populated,
       pg_get_userbyid(c.relowner)::text AS owner,
       d.description AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('v', 'm')
  AND n.nspname = ANY ($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
