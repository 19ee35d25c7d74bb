-- owner: marketplace-service
-- Tables owned by the marketplace service and read by the analytics views.
-- Declared so that references can be checked; schema-plan never creates, alters or drops them.
-- Only the columns this project uses are listed.

CREATE TABLE public.marketplace_transfers (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    listing_id uuid,
    ticket_id uuid,
    seller_id uuid,
    buyer_id uuid,
    sale_price numeric(12,2),
    currency text,
    status text,
    transferred_at timestamptz
);
ALTER TABLE public.marketplace_transfers ENABLE ROW LEVEL SECURITY;

CREATE TABLE public.marketplace_listings (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    seller_id uuid,
    event_id uuid,
    price numeric(12,2),
    original_face_value numeric(12,2),
    status text,
    listed_at timestamptz
);
ALTER TABLE public.marketplace_listings ENABLE ROW LEVEL SECURITY;
