-- Installed extensions (all of them: an extension belongs to the database, not to a schema;
-- plpgsql, which every database has, is left out).
-- Columns: name text, schema text, version text, comment text.
-- No version-specific branch.
SELECT x.extname::text AS name,
       n.nspname::text AS schema,
       x.extversion AS version,
       d.description AS comment
FROM pg_extension x
JOIN pg_namespace n ON n.oid = x.extnamespace
LEFT JOIN pg_description d
       ON d.objoid = x.oid AND d.classoid = 'pg_extension'::regclass AND d.objsubid = 0
WHERE x.extname <> 'plpgsql'
ORDER BY x.extname
