-- Customers and revenue per value segment.
CREATE VIEW public.customer_segment_summary
    WITH (security_invoker = true)
AS
SELECT c.tenant_id,
       c.value_segment,
       count(*) AS customer_count,
       sum(c.total_spent) AS total_revenue,
       round(avg(c.total_spent), 2) AS avg_spent,
       round(avg(c.tickets_purchased), 2) AS avg_tickets,
       count(*) FILTER (WHERE c.churn_risk = 'high') AS high_churn_risk_count,
       count(*) FILTER (WHERE c.marketing_opt_in) AS marketing_opt_in_count
FROM public.customer_360 AS c
GROUP BY c.tenant_id, c.value_segment;
