-- Customer 360: the last step of the customer_360_* chain, one row per customer.
CREATE VIEW public.customer_360
    WITH (security_invoker = true)
AS
SELECT c.customer_id,
       c.tenant_id,
       c.email,
       c.first_name,
       c.last_name,
       nullif(concat_ws(' ', c.first_name, c.last_name), '') AS full_name,
       c.account_status,
       c.customer_since,
       c.last_login_at,
       c.marketing_opt_in,
       c.preferred_language,
       c.preferences,
       c.tickets_purchased,
       c.events_attended,
       c.first_purchase_at,
       c.last_purchase_at,
       c.order_count,
       c.total_spent,
       c.avg_order_value,
       c.last_payment_at,
       c.days_since_last_purchase,
       c.engagement_level,
       c.value_segment,
       c.churn_risk
FROM public.customer_360_with_churn_risk AS c;

COMMENT ON VIEW public.customer_360 IS
    'One row per customer: profile, purchases, engagement, value segment and churn risk.';
