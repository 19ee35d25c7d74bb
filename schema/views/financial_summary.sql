-- Financial summary per tenant, event and day: the last step of the financial_summary_* chain.
CREATE VIEW public.financial_summary
    WITH (security_invoker = true)
AS
SELECT f.tenant_id,
       f.event_id,
       f.transaction_date,
       f.transaction_count,
       f.completed_count,
       f.failed_count,
       f.unique_customers,
       f.gross_revenue,
       f.platform_fees,
       f.processing_fees,
       f.card_revenue,
       f.wallet_revenue,
       f.bank_transfer_revenue,
       f.other_revenue,
       f.refund_count,
       f.refunded_amount,
       f.total_fees,
       f.net_revenue,
       f.fee_rate,
       round(f.gross_revenue / nullif(f.completed_count, 0), 2) AS avg_transaction_value,
       round(f.refund_count::numeric / nullif(f.completed_count, 0), 4) AS refund_rate
FROM public.financial_summary_with_fees AS f;

COMMENT ON VIEW public.financial_summary IS
    'Revenue, refunds, fees and net revenue per tenant, event and day (payment service data).';
