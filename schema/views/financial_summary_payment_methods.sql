-- Step 2 of the financial summary: captured revenue split by payment method.
CREATE VIEW public.financial_summary_payment_methods
    WITH (security_invoker = true)
AS
SELECT b.tenant_id,
       b.event_id,
       b.transaction_date,
       b.transaction_count,
       b.completed_count,
       b.failed_count,
       b.unique_customers,
       b.gross_revenue,
       b.platform_fees,
       b.processing_fees,
       coalesce(pm.card_revenue, 0) AS card_revenue,
       coalesce(pm.wallet_revenue, 0) AS wallet_revenue,
       coalesce(pm.bank_transfer_revenue, 0) AS bank_transfer_revenue,
       coalesce(pm.other_revenue, 0) AS other_revenue
FROM public.financial_summary_basic AS b
LEFT JOIN (
    SELECT pt.tenant_id,
           pt.event_id,
           (pt.created_at AT TIME ZONE 'UTC')::date AS transaction_date,
           sum(pt.amount) FILTER (WHERE pt.payment_method = 'card') AS card_revenue,
           sum(pt.amount) FILTER (WHERE pt.payment_method IN ('apple_pay', 'google_pay')) AS wallet_revenue,
           sum(pt.amount) FILTER (WHERE pt.payment_method = 'bank_transfer') AS bank_transfer_revenue,
           sum(pt.amount) FILTER (
               WHERE pt.payment_method IS NULL
                  OR pt.payment_method NOT IN ('card', 'apple_pay', 'google_pay', 'bank_transfer')
           ) AS other_revenue
    FROM public.payment_transactions AS pt
    WHERE pt.status IN ('completed', 'refunded', 'partially_refunded')
    GROUP BY pt.tenant_id, pt.event_id, (pt.created_at AT TIME ZONE 'UTC')::date
) AS pm
       ON pm.tenant_id = b.tenant_id
      AND pm.event_id IS NOT DISTINCT FROM b.event_id
      AND pm.transaction_date = b.transaction_date;
