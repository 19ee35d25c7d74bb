-- Step 3 of customer 360: money spent, net of refunds.
CREATE VIEW public.customer_360_with_purchases
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
       coalesce(pay.order_count, 0) AS order_count,
       coalesce(pay.total_spent, 0) AS total_spent,
       round(pay.total_spent / nullif(pay.order_count, 0), 2) AS avg_order_value,
       pay.last_payment_at
FROM public.customer_360_with_preferences AS p
LEFT JOIN (
    SELECT pt.tenant_id,
           pt.user_id,
           count(*) AS order_count,
           sum(pt.amount - coalesce(pt.refund_amount, 0)) AS total_spent,
           max(pt.created_at) AS last_payment_at
    FROM public.payment_transactions AS pt
    WHERE pt.status IN ('completed', 'refunded', 'partially_refunded')
    GROUP BY pt.tenant_id, pt.user_id
) AS pay
       ON pay.user_id = p.customer_id
      AND pay.tenant_id = p.tenant_id;
