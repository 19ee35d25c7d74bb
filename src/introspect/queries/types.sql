-- User-defined types of the schemas in $1 (text[]): enums ('e'), domains ('d'), stand-alone
-- composite types ('c' whose relation has relkind 'c', not a table's row type) and ranges
-- ('r'). Base, pseudo and multirange types and array types are left out.
-- Columns: schema text, name text, typtype "char", labels text[] (enum labels in sort order),
--   base_type text (domain: format_type of the base type and modifier), not_null bool,
--   default_expr text (domain: pg_get_expr of typdefaultbin), collation text (domain: quoted,
--   qualified unless in pg_catalog; NULL when the base type's default), check_names text[] and
--   check_defs text[] (domain CHECK constraints, pg_get_constraintdef, in creation order),
--   attribute_names text[] and attribute_types text[] (composite, in attnum order),
--   subtype text (range: format_type of rngsubtype), owner text, comment text.
-- No version-specific branch (PostgreSQL 17 also records a domain's NOT NULL in pg_constraint,
-- as contype 'n'; only CHECK constraints, contype 'c', are read here and typnotnull is used).
SELECT n.nspname::text AS schema,
       t.typname::text AS name,
       t.typtype,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder) AS labels,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
       t.typnotnull AS not_null,
       pg_get_expr(t.typdefaultbin, 0) AS default_expr,
       CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> b.typcollation THEN
            CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                 ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
       END AS collation,
       ARRAY(SELECT k.conname::text FROM pg_constraint k
             WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.oid) AS check_names,
       ARRAY(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k
             WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.oid) AS check_defs,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
             WHERE a.attrelid = t.typrelid AND t.typtype = 'c' AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum) AS attribute_names,
       ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
             WHERE a.attrelid = t.typrelid AND t.typtype = 'c' AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum) AS attribute_types,
       (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid) AS subtype,
       pg_get_userbyid(t.typowner)::text AS owner,
       d.description AS comment
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type b ON b.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY ($1::text[])
  AND (t.typtype IN ('e', 'd', 'r')
       OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r
                                       WHERE r.oid = t.typrelid AND r.relkind = 'c')))
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.typname
