-- Snapshot of user_dashboard_view (one row per user), refreshed by
-- public.refresh_user_dashboard(uuid[]).
-- Materialized views have no row-level security: tenant_id is part of the output so that
-- every reader can filter on it, and the view is granted to nobody.
CREATE MATERIALIZED VIEW public.user_dashboard_materialized AS
SELECT d.user_id,
       d.tenant_id,
       d.email,
       d.first_name,
       d.last_name,
       d.status,
       d.loyalty_tier,
       d.total_tickets,
       d.active_tickets,
       d.last_purchase_at,
       d.active_listings,
       d.sold_listings
FROM public.user_dashboard_view AS d;

COMMENT ON MATERIALIZED VIEW public.user_dashboard_materialized IS
    'User dashboard snapshot; no RLS on materialized views, so filter on tenant_id.';

-- Unique (as in the seed): user_id is users.id and both joins are on subqueries grouped by
-- user. REFRESH ... CONCURRENTLY requires it.
CREATE UNIQUE INDEX idx_user_dashboard_materialized_user_id
    ON public.user_dashboard_materialized (user_id);
CREATE INDEX idx_user_dashboard_materialized_status
    ON public.user_dashboard_materialized (status);
CREATE INDEX idx_user_dashboard_materialized_loyalty_tier
    ON public.user_dashboard_materialized (loyalty_tier);
