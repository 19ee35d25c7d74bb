-- Price recommendations waiting for approval, at most one per event.
-- tenant_id was added by migration 003 as a nullable column; it is NOT NULL here.
CREATE TABLE public.pending_price_changes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    event_id uuid NOT NULL,
    current_price numeric(12,2) NOT NULL,
    recommended_price numeric(12,2) NOT NULL CHECK (recommended_price >= 0),
    confidence numeric(5,4) CHECK (confidence BETWEEN 0 AND 1),
    reasoning jsonb NOT NULL DEFAULT '{}'::jsonb,
    demand_score integer,
    approved_at timestamptz,
    approved_by uuid,
    rejected_at timestamptz,
    rejection_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pending_price_changes_event_id_unique UNIQUE (event_id),
    CONSTRAINT pending_price_changes_decision_check
        CHECK (approved_at IS NULL OR rejected_at IS NULL)
);

-- The seed's plain (event_id) index is dropped: it duplicates the unique key's index.
CREATE INDEX pending_price_changes_approved_at_index
    ON public.pending_price_changes (approved_at);
CREATE INDEX pending_price_changes_tenant_id_index
    ON public.pending_price_changes (tenant_id);

ALTER TABLE public.pending_price_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.pending_price_changes FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.pending_price_changes
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
