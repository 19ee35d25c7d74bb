-- Snapshot of customer_360 (one row per customer).
-- Materialized views have no row-level security: tenant_id is part of the output so that
-- every reader can filter on it, and the view is granted to nobody.
CREATE MATERIALIZED VIEW public.customer_360_materialized AS
SELECT c.customer_id,
       c.tenant_id,
       c.full_name,
       c.email,
       c.account_status,
       c.customer_since,
       c.tickets_purchased,
       c.events_attended,
       c.order_count,
       c.total_spent,
       c.avg_order_value,
       c.last_purchase_at,
       c.days_since_last_purchase,
       c.engagement_level,
       c.value_segment,
       c.churn_risk
FROM public.customer_360 AS c;

COMMENT ON MATERIALIZED VIEW public.customer_360_materialized IS
    'Customer 360 snapshot; no RLS on materialized views, so filter on tenant_id.';

-- Unique: customer_id is users.id, and every join in the customer_360 chain is on a primary
-- key or on a subquery grouped by user, so each customer appears once. The seed's plain
-- customer_id index becomes this unique one, which REFRESH ... CONCURRENTLY requires.
CREATE UNIQUE INDEX idx_customer_360_materialized_customer_id
    ON public.customer_360_materialized (customer_id);
CREATE INDEX idx_customer_360_materialized_value_segment
    ON public.customer_360_materialized (value_segment);
