-- Alert rules configured per venue.
CREATE TABLE public.venue_alerts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    venue_id uuid NOT NULL,
    alert_name text NOT NULL,
    description text,
    conditions jsonb NOT NULL,
    actions jsonb NOT NULL DEFAULT '[]'::jsonb,
    is_active boolean NOT NULL DEFAULT true,
    last_triggered_at timestamptz,
    trigger_count integer NOT NULL DEFAULT 0 CHECK (trigger_count >= 0),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The seed's plain (tenant_id) index is dropped: it is a prefix of (tenant_id, venue_id).
CREATE INDEX venue_alerts_tenant_id_venue_id_index
    ON public.venue_alerts (tenant_id, venue_id);
CREATE INDEX venue_alerts_venue_id_is_active_index
    ON public.venue_alerts (venue_id, is_active);
CREATE INDEX venue_alerts_alert_name_index
    ON public.venue_alerts (alert_name);

ALTER TABLE public.venue_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.venue_alerts FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.venue_alerts
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
