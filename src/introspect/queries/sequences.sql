-- Sequences of the schemas in $1 (text[]), except identity columns' sequences (pg_depend
-- deptype 'i'), which belong to their column.
-- Columns: schema text, name text, data_type text (format_type), start int8, increment int8,
--   min_value int8, max_value int8, cache int8, cycle bool, owned_by_table text and
--   owned_by_column text (quoted; from pg_depend deptype 'a' on a column, NULL when not
--   owned), owner text, comment text.
-- No version-specific branch (pg_sequence exists from PostgreSQL 10).
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min_value,
       s.seqmax AS max_value,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       quote_ident(tn.nspname) || '.' || quote_ident(t.relname) AS owned_by_table,
       quote_ident(a.attname) AS owned_by_column,
       pg_get_userbyid(c.relowner)::text AS owner,
       d.description AS comment
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend o
       ON o.classid = 'pg_class'::regclass AND o.objid = c.oid AND o.deptype = 'a'
      AND o.refclassid = 'pg_class'::regclass AND o.refobjsubid > 0
LEFT JOIN pg_class t ON t.oid = o.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = o.refobjid AND a.attnum = o.refobjsubid
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY ($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend i
                  WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND i.deptype = 'i')
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
