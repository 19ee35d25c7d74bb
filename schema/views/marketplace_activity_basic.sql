-- Step 1 of marketplace activity: one row per resale transfer.
CREATE VIEW public.marketplace_activity_basic
    WITH (security_invoker = true)
AS
SELECT mt.id AS transfer_id,
       mt.tenant_id,
       mt.listing_id,
       mt.ticket_id,
       mt.seller_id,
       mt.buyer_id,
       mt.sale_price,
       mt.status AS transfer_status,
       mt.transferred_at,
       (mt.transferred_at AT TIME ZONE 'UTC')::date AS sale_date
FROM public.marketplace_transfers AS mt;
