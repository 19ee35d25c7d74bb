-- User-defined operators of the schemas in $1 (text[]), extension members left out. The
-- catalog keeps them as text (never planned), so this query prints each one as the
-- `CREATE OPERATOR` statement that makes it, with every name quoted and qualified.
-- Columns: schema text, name text, definition text. (Owners and comments of operators are
-- not modelled on either side.)
-- No version-specific branch (postfix operators, gone in PostgreSQL 14, are printed with
-- RIGHTARG = NONE and fail to load, which is reported).
SELECT n.nspname::text AS schema,
       o.oprname::text AS name,
       'CREATE OPERATOR ' || quote_ident(n.nspname) || '.' || o.oprname || ' ('
       || concat_ws(', ',
            'FUNCTION = ' || quote_ident(pn.nspname) || '.' || quote_ident(p.proname),
            CASE WHEN o.oprleft <> 0 THEN 'LEFTARG = ' || format_type(o.oprleft, NULL) END,
            CASE WHEN o.oprright <> 0 THEN 'RIGHTARG = ' || format_type(o.oprright, NULL) END,
            (SELECT 'COMMUTATOR = OPERATOR(' || quote_ident(cn.nspname) || '.' || c.oprname || ')'
             FROM pg_operator c JOIN pg_namespace cn ON cn.oid = c.oprnamespace
             WHERE c.oid = o.oprcom),
            (SELECT 'NEGATOR = OPERATOR(' || quote_ident(gn.nspname) || '.' || g.oprname || ')'
             FROM pg_operator g JOIN pg_namespace gn ON gn.oid = g.oprnamespace
             WHERE g.oid = o.oprnegate),
            (SELECT 'RESTRICT = ' || quote_ident(rn.nspname) || '.' || quote_ident(r.proname)
             FROM pg_proc r JOIN pg_namespace rn ON rn.oid = r.pronamespace
             WHERE r.oid = o.oprrest),
            (SELECT 'JOIN = ' || quote_ident(jn.nspname) || '.' || quote_ident(j.proname)
             FROM pg_proc j JOIN pg_namespace jn ON jn.oid = j.pronamespace
             WHERE j.oid = o.oprjoin),
            CASE WHEN o.oprcanhash THEN 'HASHES' END,
            CASE WHEN o.oprcanmerge THEN 'MERGES' END)
       || ')' AS definition
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
JOIN pg_proc p ON p.oid = o.oprcode
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE n.nspname = ANY ($1)
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_operator'::regclass AND e.objid = o.oid AND e.deptype = 'e')
ORDER BY n.nspname, o.oprname, o.oprleft, o.oprright
