-- Every price change of an event's tickets (dynamic pricing audit trail).
-- tenant_id was added by migration 003 as a nullable column; it is NOT NULL here.
CREATE TABLE public.price_history (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    event_id uuid NOT NULL,
    ticket_type_id uuid,
    old_price numeric(12,2),
    new_price numeric(12,2) NOT NULL CHECK (new_price >= 0),
    change_reason text,
    changed_by uuid,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX price_history_event_id_changed_at_index
    ON public.price_history (event_id, changed_at);
CREATE INDEX price_history_tenant_id_index
    ON public.price_history (tenant_id);

ALTER TABLE public.price_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.price_history FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.price_history
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
