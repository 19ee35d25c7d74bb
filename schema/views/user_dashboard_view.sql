-- What a user's home dashboard shows: tickets, resale listings and loyalty tier.
CREATE VIEW public.user_dashboard_view
    WITH (security_invoker = true)
AS
SELECT u.id AS user_id,
       u.tenant_id,
       u.email,
       u.first_name,
       u.last_name,
       u.status,
       CASE
           WHEN coalesce(t.total_tickets, 0) >= 50 THEN 'platinum'
           WHEN coalesce(t.total_tickets, 0) >= 20 THEN 'gold'
           WHEN coalesce(t.total_tickets, 0) >= 5 THEN 'silver'
           ELSE 'bronze'
       END AS loyalty_tier,
       coalesce(t.total_tickets, 0) AS total_tickets,
       coalesce(t.active_tickets, 0) AS active_tickets,
       t.last_purchase_at,
       coalesce(l.active_listings, 0) AS active_listings,
       coalesce(l.sold_listings, 0) AS sold_listings
FROM public.users AS u
LEFT JOIN (
    SELECT tk.tenant_id,
           tk.user_id,
           count(*) FILTER (WHERE tk.status IN ('active', 'used')) AS total_tickets,
           count(*) FILTER (WHERE tk.status = 'active') AS active_tickets,
           max(tk.purchased_at) AS last_purchase_at
    FROM public.tickets AS tk
    GROUP BY tk.tenant_id, tk.user_id
) AS t
       ON t.user_id = u.id
      AND t.tenant_id = u.tenant_id
LEFT JOIN (
    SELECT ml.tenant_id,
           ml.seller_id,
           count(*) FILTER (WHERE ml.status = 'active') AS active_listings,
           count(*) FILTER (WHERE ml.status = 'sold') AS sold_listings
    FROM public.marketplace_listings AS ml
    GROUP BY ml.tenant_id, ml.seller_id
) AS l
       ON l.seller_id = u.id
      AND l.tenant_id = u.tenant_id;
