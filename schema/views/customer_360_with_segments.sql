-- Step 5 of customer 360: value segment by net spend.
CREATE VIEW public.customer_360_with_segments
    WITH (security_invoker = true)
AS
SELECT g.customer_id,
       g.tenant_id,
       g.email,
       g.first_name,
       g.last_name,
       g.account_status,
       g.customer_since,
       g.last_login_at,
       g.tickets_purchased,
       g.events_attended,
       g.first_purchase_at,
       g.last_purchase_at,
       g.marketing_opt_in,
       g.preferred_language,
       g.preferences,
       g.order_count,
       g.total_spent,
       g.avg_order_value,
       g.last_payment_at,
       g.days_since_last_purchase,
       g.engagement_level,
       CASE
           WHEN g.total_spent >= 2000 THEN 'vip'
           WHEN g.total_spent >= 500 THEN 'high_value'
           WHEN g.total_spent > 0 THEN 'regular'
           ELSE 'prospect'
       END AS value_segment
FROM public.customer_360_with_engagement AS g;
