-- Snapshot of venue_performance_summary, refreshed by public.refresh_venue_analytics_mv().
-- Materialized views have no row-level security: tenant_id is part of the output so that
-- every reader can filter on it, and the view is granted to nobody (read it through functions
-- or as its owner).
CREATE MATERIALIZED VIEW public.venue_analytics_mv AS
SELECT s.venue_id,
       s.tenant_id,
       s.venue_name,
       s.city,
       s.venue_capacity,
       s.total_events,
       s.published_events,
       s.tickets_sold,
       s.total_revenue,
       s.avg_ticket_price,
       now() AS refreshed_at
FROM public.venue_performance_summary AS s;

COMMENT ON MATERIALIZED VIEW public.venue_analytics_mv IS
    'Per-venue totals; no RLS on materialized views, so filter on tenant_id.';

-- Refreshed without CONCURRENTLY, so no unique index is required.
CREATE INDEX idx_venue_analytics_mv_venue_id
    ON public.venue_analytics_mv (venue_id);
