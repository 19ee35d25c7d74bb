-- Columns declared on the tables of tables.sql (local columns only: a partition's or an
-- inheriting table's copies of its parent's columns are the parent's).
-- Columns: table_oid oid, name text, type text (format_type), not_null bool,
--   default_expr text (pg_get_expr; the generation expression when generated <> ''),
--   identity "char" ('' none, 'a' always, 'd' by default), generated "char" ('' none, 's' stored),
--   collation text (quoted, qualified unless in pg_catalog; NULL when the type's default),
--   seq_type text, seq_start int8, seq_increment int8, seq_min int8, seq_max int8,
--   seq_cache int8, seq_cycle bool (the identity column's sequence, pg_depend deptype 'i';
--   NULL unless identity), comment text.
-- Ordered by table, then attnum. No version-specific branch for PostgreSQL 13-17
-- (attgenerated exists from 12; PostgreSQL 18's virtual columns, 'v', are reported as an
-- unknown code).
SELECT a.attrelid AS table_oid,
       a.attname::text AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       a.attidentity AS identity,
       a.attgenerated AS generated,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
            CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                 ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
       END AS collation,
       format_type(s.seqtypid, NULL) AS seq_type,
       s.seqstart AS seq_start,
       s.seqincrement AS seq_increment,
       s.seqmin AS seq_min,
       s.seqmax AS seq_max,
       s.seqcache AS seq_cache,
       s.seqcycle AS seq_cycle,
       d.description AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_depend dep
       ON a.attidentity <> '' AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid
      AND dep.refobjsubid = a.attnum AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'i'
LEFT JOIN pg_sequence s ON s.seqrelid = dep.objid
LEFT JOIN pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
WHERE c.relkind IN ('r', 'p')
  AND n.nspname = ANY ($1::text[])
  AND a.attnum > 0
  AND NOT a.attisdropped
  AND a.attislocal
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY a.attrelid, a.attnum
