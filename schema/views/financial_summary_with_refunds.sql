-- Step 3 of the financial summary: refunds, attributed to the day of the original payment.
CREATE VIEW public.financial_summary_with_refunds
    WITH (security_invoker = true)
AS
SELECT m.tenant_id,
       m.event_id,
       m.transaction_date,
       m.transaction_count,
       m.completed_count,
       m.failed_count,
       m.unique_customers,
       m.gross_revenue,
       m.platform_fees,
       m.processing_fees,
       m.card_revenue,
       m.wallet_revenue,
       m.bank_transfer_revenue,
       m.other_revenue,
       coalesce(r.refund_count, 0) AS refund_count,
       coalesce(r.refunded_amount, 0) AS refunded_amount
FROM public.financial_summary_payment_methods AS m
LEFT JOIN (
    SELECT pt.tenant_id,
           pt.event_id,
           (pt.created_at AT TIME ZONE 'UTC')::date AS transaction_date,
           count(*) AS refund_count,
           sum(coalesce(pt.refund_amount, pt.amount)) AS refunded_amount
    FROM public.payment_transactions AS pt
    WHERE pt.status IN ('refunded', 'partially_refunded')
    GROUP BY pt.tenant_id, pt.event_id, (pt.created_at AT TIME ZONE 'UTC')::date
) AS r
       ON r.tenant_id = m.tenant_id
      AND r.event_id IS NOT DISTINCT FROM m.event_id
      AND r.transaction_date = m.transaction_date;
