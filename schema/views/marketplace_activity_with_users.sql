-- Step 3 of marketplace activity: seller and buyer accounts.
CREATE VIEW public.marketplace_activity_with_users
    WITH (security_invoker = true)
AS
SELECT l.transfer_id,
       l.tenant_id,
       l.listing_id,
       l.ticket_id,
       l.seller_id,
       l.buyer_id,
       l.sale_price,
       l.transfer_status,
       l.transferred_at,
       l.sale_date,
       l.event_id,
       l.listing_price,
       l.original_face_value,
       l.listed_at,
       seller.email AS seller_email,
       buyer.email AS buyer_email
FROM public.marketplace_activity_with_listings AS l
LEFT JOIN public.users AS seller
       ON seller.id = l.seller_id
      AND seller.tenant_id = l.tenant_id
LEFT JOIN public.users AS buyer
       ON buyer.id = l.buyer_id
      AND buyer.tenant_id = l.tenant_id;
