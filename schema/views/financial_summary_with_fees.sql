-- Step 4 of the financial summary: total fees and net revenue.
CREATE VIEW public.financial_summary_with_fees
    WITH (security_invoker = true)
AS
SELECT r.tenant_id,
       r.event_id,
       r.transaction_date,
       r.transaction_count,
       r.completed_count,
       r.failed_count,
       r.unique_customers,
       r.gross_revenue,
       r.platform_fees,
       r.processing_fees,
       r.card_revenue,
       r.wallet_revenue,
       r.bank_transfer_revenue,
       r.other_revenue,
       r.refund_count,
       r.refunded_amount,
       r.platform_fees + r.processing_fees AS total_fees,
       r.gross_revenue - r.refunded_amount - r.platform_fees - r.processing_fees AS net_revenue,
       round((r.platform_fees + r.processing_fees) / nullif(r.gross_revenue, 0), 4) AS fee_rate
FROM public.financial_summary_with_refunds AS r;
