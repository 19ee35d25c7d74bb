-- Step 2 of marketplace activity: the listing each transfer came from.
CREATE VIEW public.marketplace_activity_with_listings
    WITH (security_invoker = true)
AS
SELECT b.transfer_id,
       b.tenant_id,
       b.listing_id,
       b.ticket_id,
       b.seller_id,
       b.buyer_id,
       b.sale_price,
       b.transfer_status,
       b.transferred_at,
       b.sale_date,
       ml.event_id,
       ml.price AS listing_price,
       ml.original_face_value,
       ml.listed_at
FROM public.marketplace_activity_basic AS b
LEFT JOIN public.marketplace_listings AS ml
       ON ml.id = b.listing_id
      AND ml.tenant_id = b.tenant_id;
