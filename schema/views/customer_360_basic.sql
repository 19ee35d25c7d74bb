-- Step 1 of customer 360: the customer's account and ticket purchases.
CREATE VIEW public.customer_360_basic
    WITH (security_invoker = true)
AS
SELECT u.id AS customer_id,
       u.tenant_id,
       u.email,
       u.first_name,
       u.last_name,
       u.status AS account_status,
       u.created_at AS customer_since,
       u.last_login_at,
       coalesce(t.tickets_purchased, 0) AS tickets_purchased,
       coalesce(t.events_attended, 0) AS events_attended,
       t.first_purchase_at,
       t.last_purchase_at
FROM public.users AS u
LEFT JOIN (
    SELECT tk.tenant_id,
           tk.user_id,
           count(*) AS tickets_purchased,
           count(DISTINCT tk.event_id) FILTER (WHERE tk.status = 'used') AS events_attended,
           min(tk.purchased_at) AS first_purchase_at,
           max(tk.purchased_at) AS last_purchase_at
    FROM public.tickets AS tk
    WHERE tk.status IN ('active', 'used')
    GROUP BY tk.tenant_id, tk.user_id
) AS t
       ON t.user_id = u.id
      AND t.tenant_id = u.tenant_id;
