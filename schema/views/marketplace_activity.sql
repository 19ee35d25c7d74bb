-- Marketplace activity: the last step of the marketplace_activity_* chain, one row per transfer.
CREATE VIEW public.marketplace_activity
    WITH (security_invoker = true)
AS
SELECT a.transfer_id,
       a.tenant_id,
       a.listing_id,
       a.ticket_id,
       a.event_id,
       a.seller_id,
       a.seller_email,
       a.buyer_id,
       a.buyer_email,
       a.transfer_status,
       a.listed_at,
       a.transferred_at,
       a.sale_date,
       a.currency,
       a.original_face_value,
       a.listing_price,
       a.sale_price,
       a.platform_fee,
       a.venue_fee,
       a.seller_payout,
       a.sale_price - a.original_face_value AS price_markup,
       round((a.sale_price - a.original_face_value) / nullif(a.original_face_value, 0), 4) AS markup_pct,
       round(extract(epoch FROM a.transferred_at - a.listed_at) / 86400, 1) AS days_listed
FROM public.marketplace_activity_with_fees AS a;

COMMENT ON VIEW public.marketplace_activity IS
    'One row per resale transfer with listing, seller, buyer, fees and markup.';
