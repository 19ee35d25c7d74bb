-- Revenue per tenant and day, all events together.
CREATE VIEW public.daily_revenue_summary
    WITH (security_invoker = true)
AS
SELECT fs.tenant_id,
       fs.transaction_date AS revenue_date,
       count(DISTINCT fs.event_id) AS events_with_sales,
       sum(fs.transaction_count) AS transaction_count,
       sum(fs.completed_count) AS completed_count,
       sum(fs.gross_revenue) AS gross_revenue,
       sum(fs.refunded_amount) AS refunded_amount,
       sum(fs.total_fees) AS total_fees,
       sum(fs.net_revenue) AS net_revenue
FROM public.financial_summary AS fs
GROUP BY fs.tenant_id, fs.transaction_date;
