-- Step 4 of customer 360: recency and engagement level.
CREATE VIEW public.customer_360_with_engagement
    WITH (security_invoker = true)
AS
SELECT p.customer_id,
       p.tenant_id,
       p.email,
       p.first_name,
       p.last_name,
       p.account_status,
       p.customer_since,
       p.last_login_at,
       p.tickets_purchased,
       p.events_attended,
       p.first_purchase_at,
       p.last_purchase_at,
       p.marketing_opt_in,
       p.preferred_language,
       p.preferences,
       p.order_count,
       p.total_spent,
       p.avg_order_value,
       p.last_payment_at,
       current_date - (p.last_purchase_at AT TIME ZONE 'UTC')::date AS days_since_last_purchase,
       CASE
           WHEN p.last_purchase_at IS NULL THEN 'inactive'
           WHEN p.last_purchase_at >= now() - interval '90 days' AND p.tickets_purchased >= 5 THEN 'high'
           WHEN p.last_purchase_at >= now() - interval '180 days'
             OR p.last_login_at >= now() - interval '30 days' THEN 'medium'
           ELSE 'low'
       END AS engagement_level
FROM public.customer_360_with_purchases AS p;
