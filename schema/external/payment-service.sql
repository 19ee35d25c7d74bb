-- owner: payment-service
-- Tables owned by the payment service and read by the analytics views.
-- Declared so that references can be checked; schema-plan never creates, alters or drops them.
-- Only the columns this project uses are listed.

CREATE TABLE public.payment_transactions (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    user_id uuid,
    event_id uuid,
    amount numeric(12,2),
    platform_fee numeric(12,2),
    processing_fee numeric(12,2),
    refund_amount numeric(12,2),
    payment_method text,
    status text,
    created_at timestamptz
);
ALTER TABLE public.payment_transactions ENABLE ROW LEVEL SECURITY;

CREATE TABLE public.platform_fees (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    transfer_id uuid,
    fee_type text,
    amount numeric(12,2)
);
ALTER TABLE public.platform_fees ENABLE ROW LEVEL SECURITY;
