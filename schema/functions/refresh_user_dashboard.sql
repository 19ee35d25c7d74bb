-- Refreshes public.user_dashboard_materialized without blocking readers.
-- A materialized view cannot be refreshed for some rows only, so p_user_ids does not narrow
-- the refresh; it is kept because callers pass the users whose data changed (NULL = all),
-- and an empty array means there is nothing to do.
-- SECURITY DEFINER because only the owner of a materialized view may refresh it;
-- search_path is pinned so that a caller cannot put objects of its own in front of ours.
CREATE FUNCTION public.refresh_user_dashboard(p_user_ids uuid[])
    RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
AS $$
BEGIN
    IF p_user_ids IS NOT NULL AND cardinality(p_user_ids) = 0 THEN
        RETURN;
    END IF;
    REFRESH MATERIALIZED VIEW CONCURRENTLY public.user_dashboard_materialized;
END;
$$;

COMMENT ON FUNCTION public.refresh_user_dashboard(uuid[]) IS
    'Refresh user_dashboard_materialized concurrently (needs its unique index on user_id).';
