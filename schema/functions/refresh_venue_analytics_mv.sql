-- Rebuilds public.venue_analytics_mv. SECURITY DEFINER because only the owner of a
-- materialized view may refresh it; search_path is pinned so that a caller cannot put
-- objects of its own in front of ours.
CREATE FUNCTION public.refresh_venue_analytics_mv()
    RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
AS $$
BEGIN
    REFRESH MATERIALIZED VIEW public.venue_analytics_mv;
END;
$$;

COMMENT ON FUNCTION public.refresh_venue_analytics_mv() IS
    'Refresh venue_analytics_mv (blocks readers for the duration; the view is small).';
