-- One row per event: its venue, schedule, capacity and sales.
-- schema-lint: ignore external-dependency-fanout -- the event summary joins the event catalogue by design
CREATE VIEW public.event_summary
    WITH (security_invoker = true)
AS
SELECT e.id AS event_id,
       e.tenant_id,
       e.name AS event_name,
       e.status AS event_status,
       v.id AS venue_id,
       v.name AS venue_name,
       v.city AS venue_city,
       s.first_starts_at AS starts_at,
       s.last_ends_at AS ends_at,
       coalesce(s.session_count, 0) AS session_count,
       coalesce(c.total_capacity, 0) AS total_capacity,
       coalesce(c.available_capacity, 0) AS available_capacity,
       coalesce(t.tickets_sold, 0) AS tickets_sold,
       coalesce(t.revenue, 0) AS revenue,
       CASE
           WHEN coalesce(c.total_capacity, 0) > 0
               THEN round(coalesce(t.tickets_sold, 0)::numeric / c.total_capacity, 4)
       END AS sell_through_rate
FROM public.events AS e
JOIN public.venues AS v
  ON v.id = e.venue_id
 AND v.tenant_id = e.tenant_id
LEFT JOIN (
    SELECT es.tenant_id,
           es.event_id,
           min(es.starts_at) AS first_starts_at,
           max(es.ends_at) AS last_ends_at,
           count(*) AS session_count
    FROM public.event_schedules AS es
    GROUP BY es.tenant_id, es.event_id
) AS s
       ON s.event_id = e.id
      AND s.tenant_id = e.tenant_id
LEFT JOIN (
    SELECT ec.tenant_id,
           ec.event_id,
           sum(ec.total_capacity) AS total_capacity,
           sum(ec.available_capacity) AS available_capacity
    FROM public.event_capacity AS ec
    GROUP BY ec.tenant_id, ec.event_id
) AS c
       ON c.event_id = e.id
      AND c.tenant_id = e.tenant_id
LEFT JOIN (
    SELECT tk.tenant_id,
           tk.event_id,
           count(*) AS tickets_sold,
           sum(tk.price) AS revenue
    FROM public.tickets AS tk
    WHERE tk.status IN ('active', 'used')
    GROUP BY tk.tenant_id, tk.event_id
) AS t
       ON t.event_id = e.id
      AND t.tenant_id = e.tenant_id;

COMMENT ON VIEW public.event_summary IS
    'One row per event with venue, schedule, capacity and sales; reads 5 tables of 3 other services.';
