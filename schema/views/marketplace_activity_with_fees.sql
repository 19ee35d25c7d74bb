-- Step 4 of marketplace activity: platform and venue fees taken on each resale.
-- Fees are summed per transfer first, so a transfer with several fee rows stays one row.
CREATE VIEW public.marketplace_activity_with_fees
    WITH (security_invoker = true)
AS
SELECT w.transfer_id,
       w.tenant_id,
       w.listing_id,
       w.ticket_id,
       w.seller_id,
       w.buyer_id,
       w.sale_price,
       w.transfer_status,
       w.transferred_at,
       w.sale_date,
       w.event_id,
       w.listing_price,
       w.original_face_value,
       w.listed_at,
       w.seller_email,
       w.buyer_email,
       mt.currency,
       coalesce(f.platform_fee, 0) AS platform_fee,
       coalesce(f.venue_fee, 0) AS venue_fee,
       w.sale_price - coalesce(f.platform_fee, 0) - coalesce(f.venue_fee, 0) AS seller_payout
FROM public.marketplace_activity_with_users AS w
JOIN public.marketplace_transfers AS mt
  ON mt.id = w.transfer_id
 AND mt.tenant_id = w.tenant_id
LEFT JOIN (
    SELECT pf.tenant_id,
           pf.transfer_id,
           sum(pf.amount) FILTER (WHERE pf.fee_type = 'platform') AS platform_fee,
           sum(pf.amount) FILTER (WHERE pf.fee_type = 'venue_royalty') AS venue_fee
    FROM public.platform_fees AS pf
    WHERE pf.transfer_id IS NOT NULL
    GROUP BY pf.tenant_id, pf.transfer_id
) AS f
       ON f.transfer_id = mt.id
      AND f.tenant_id = mt.tenant_id;
