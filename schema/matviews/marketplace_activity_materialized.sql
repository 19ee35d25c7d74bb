-- Snapshot of marketplace_activity (one row per resale transfer).
-- Materialized views have no row-level security: tenant_id is part of the output so that
-- every reader can filter on it, and the view is granted to nobody.
CREATE MATERIALIZED VIEW public.marketplace_activity_materialized AS
SELECT m.transfer_id,
       m.tenant_id,
       m.ticket_id,
       m.event_id,
       m.seller_id,
       m.buyer_id,
       m.transfer_status,
       m.sale_date,
       m.transferred_at,
       m.currency,
       m.original_face_value,
       m.sale_price,
       m.platform_fee,
       m.venue_fee,
       m.seller_payout,
       m.price_markup,
       m.markup_pct,
       m.days_listed
FROM public.marketplace_activity AS m;

COMMENT ON MATERIALIZED VIEW public.marketplace_activity_materialized IS
    'Marketplace activity snapshot; no RLS on materialized views, so filter on tenant_id.';

CREATE INDEX idx_marketplace_activity_materialized_sale_date
    ON public.marketplace_activity_materialized (sale_date);
-- Not unique: a ticket can be resold several times.
CREATE INDEX idx_marketplace_activity_materialized_ticket_id
    ON public.marketplace_activity_materialized (ticket_id);
-- Unique: transfer_id is marketplace_transfers.id; listings and users are joined on their
-- primary keys and fees are summed per transfer, so each transfer appears once.
-- REFRESH ... CONCURRENTLY requires it.
CREATE UNIQUE INDEX idx_marketplace_activity_materialized_transfer_id
    ON public.marketplace_activity_materialized (transfer_id);
