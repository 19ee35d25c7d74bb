-- The server's version.
-- Columns: version_num int4 (server_version_num, e.g. 150018).
-- Runs first: the other queries choose their version-specific branches from version_num.
SELECT current_setting('server_version_num')::int4 AS version_num
