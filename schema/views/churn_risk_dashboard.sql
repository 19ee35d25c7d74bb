-- Customers at medium or high risk of churning, for the retention team.
CREATE VIEW public.churn_risk_dashboard
    WITH (security_invoker = true)
AS
SELECT c.customer_id,
       c.tenant_id,
       c.full_name,
       c.email,
       c.value_segment,
       c.churn_risk,
       c.engagement_level,
       c.total_spent,
       c.tickets_purchased,
       c.last_purchase_at,
       c.days_since_last_purchase,
       c.marketing_opt_in
FROM public.customer_360 AS c
WHERE c.churn_risk IN ('high', 'medium');
