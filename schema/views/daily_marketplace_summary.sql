-- Completed resales per tenant and day.
CREATE VIEW public.daily_marketplace_summary
    WITH (security_invoker = true)
AS
SELECT m.tenant_id,
       m.sale_date,
       count(*) AS transfer_count,
       sum(m.sale_price) AS total_volume,
       sum(m.platform_fee) AS platform_fee_revenue,
       sum(m.venue_fee) AS venue_fee_revenue,
       round(avg(m.markup_pct), 4) AS avg_markup_pct,
       count(DISTINCT m.seller_id) AS unique_sellers,
       count(DISTINCT m.buyer_id) AS unique_buyers
FROM public.marketplace_activity AS m
WHERE m.transfer_status = 'completed'
GROUP BY m.tenant_id, m.sale_date;
