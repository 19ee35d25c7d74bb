-- Per-venue totals over the venue, event and ticket services' data.
-- Migration 001 created this view as public.venue_analytics, the name migration 002
-- then gave to a table (known issue 1). The table keeps the name; the view is renamed.
-- schema: renamed from venue_analytics
CREATE VIEW public.venue_performance_summary
    WITH (security_invoker = true)
AS
SELECT v.id AS venue_id,
       v.tenant_id,
       v.name AS venue_name,
       v.city,
       v.capacity AS venue_capacity,
       count(DISTINCT e.id) AS total_events,
       count(DISTINCT e.id) FILTER (WHERE e.status = 'published') AS published_events,
       count(t.id) FILTER (WHERE t.status IN ('active', 'used')) AS tickets_sold,
       coalesce(sum(t.price) FILTER (WHERE t.status IN ('active', 'used')), 0) AS total_revenue,
       round(avg(t.price) FILTER (WHERE t.status IN ('active', 'used')), 2) AS avg_ticket_price
FROM public.venues AS v
LEFT JOIN public.events AS e
       ON e.venue_id = v.id
      AND e.tenant_id = v.tenant_id
LEFT JOIN public.tickets AS t
       ON t.event_id = e.id
      AND t.tenant_id = e.tenant_id
GROUP BY v.id, v.tenant_id, v.name, v.city, v.capacity;

COMMENT ON VIEW public.venue_performance_summary IS
    'Events, tickets sold and revenue per venue (was the view venue_analytics in migration 001).';
