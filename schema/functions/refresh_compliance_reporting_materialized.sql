-- Refreshes public.compliance_reporting_materialized without blocking readers.
-- SECURITY DEFINER because only the owner of a materialized view may refresh it;
-- search_path is pinned so that a caller cannot put objects of its own in front of ours.
CREATE FUNCTION public.refresh_compliance_reporting_materialized()
    RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY public.compliance_reporting_materialized;
END;
$$;

COMMENT ON FUNCTION public.refresh_compliance_reporting_materialized() IS
    'Refresh compliance_reporting_materialized concurrently (needs its unique index on audit_log_id).';
