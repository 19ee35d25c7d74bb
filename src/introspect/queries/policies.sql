-- Row-level-security policies on tables of the schemas in $1 (text[]).
-- Columns: schema text, table_name text, name text, permissive bool, command "char"
--   (polcmd: '*' all, r select, a insert, w update, d delete), roles text[] (quoted role
--   names; empty means PUBLIC), using_expr text and check_expr text (pg_get_expr of polqual
--   and polwithcheck), comment text.
-- No version-specific branch (polpermissive exists from PostgreSQL 10).
SELECT n.nspname::text AS schema,
       c.relname::text AS table_name,
       p.polname::text AS name,
       p.polpermissive AS permissive,
       p.polcmd AS command,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END
             FROM unnest(p.polroles) WITH ORDINALITY AS u(r, i) ORDER BY i) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using_expr,
       pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr,
       d.description AS comment
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_policy'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY ($1::text[])
ORDER BY n.nspname, c.relname, p.polname
