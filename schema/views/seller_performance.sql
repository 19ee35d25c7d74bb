-- Completed resales per seller.
CREATE VIEW public.seller_performance
    WITH (security_invoker = true)
AS
SELECT m.tenant_id,
       m.seller_id,
       m.seller_email,
       count(*) AS sales_count,
       sum(m.sale_price) AS total_sales,
       sum(m.seller_payout) AS total_payout,
       round(avg(m.sale_price), 2) AS avg_sale_price,
       round(avg(m.markup_pct), 4) AS avg_markup_pct,
       min(m.transferred_at) AS first_sale_at,
       max(m.transferred_at) AS last_sale_at
FROM public.marketplace_activity AS m
WHERE m.transfer_status = 'completed'
GROUP BY m.tenant_id, m.seller_id, m.seller_email;
