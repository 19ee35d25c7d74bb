-- Step 1 of the financial summary: payment counts and captured revenue per event and day.
-- Captured = completed, refunded or partially refunded (the money was taken at some point).
CREATE VIEW public.financial_summary_basic
    WITH (security_invoker = true)
AS
SELECT pt.tenant_id,
       pt.event_id,
       (pt.created_at AT TIME ZONE 'UTC')::date AS transaction_date,
       count(*) AS transaction_count,
       count(*) FILTER (WHERE pt.status IN ('completed', 'refunded', 'partially_refunded')) AS completed_count,
       count(*) FILTER (WHERE pt.status = 'failed') AS failed_count,
       count(DISTINCT pt.user_id) AS unique_customers,
       coalesce(sum(pt.amount) FILTER (WHERE pt.status IN ('completed', 'refunded', 'partially_refunded')), 0)
           AS gross_revenue,
       coalesce(sum(pt.platform_fee) FILTER (WHERE pt.status IN ('completed', 'refunded', 'partially_refunded')), 0)
           AS platform_fees,
       coalesce(sum(pt.processing_fee) FILTER (WHERE pt.status IN ('completed', 'refunded', 'partially_refunded')), 0)
           AS processing_fees
FROM public.payment_transactions AS pt
GROUP BY pt.tenant_id, pt.event_id, (pt.created_at AT TIME ZONE 'UTC')::date;
