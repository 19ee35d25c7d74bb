-- Step 6 of customer 360: churn risk by time since the last purchase.
CREATE VIEW public.customer_360_with_churn_risk
    WITH (security_invoker = true)
AS
SELECT s.customer_id,
       s.tenant_id,
       s.email,
       s.first_name,
       s.last_name,
       s.account_status,
       s.customer_since,
       s.last_login_at,
       s.tickets_purchased,
       s.events_attended,
       s.first_purchase_at,
       s.last_purchase_at,
       s.marketing_opt_in,
       s.preferred_language,
       s.preferences,
       s.order_count,
       s.total_spent,
       s.avg_order_value,
       s.last_payment_at,
       s.days_since_last_purchase,
       s.engagement_level,
       s.value_segment,
       CASE
           WHEN s.days_since_last_purchase IS NULL THEN 'unknown'
           WHEN s.days_since_last_purchase > 365 THEN 'high'
           WHEN s.days_since_last_purchase > 180 THEN 'medium'
           ELSE 'low'
       END AS churn_risk
FROM public.customer_360_with_segments AS s;
