-- Short-lived live counters per venue (current attendance, sales per minute, ...).
CREATE TABLE public.realtime_metrics (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    venue_id uuid NOT NULL,
    metric_type text NOT NULL,
    metric_value numeric(20,4) NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT realtime_metrics_venue_id_metric_type_unique UNIQUE (venue_id, metric_type)
);

-- Dropped from the seed: (tenant_id), a prefix of (tenant_id, venue_id), and
-- (venue_id, metric_type), a duplicate of the unique key's own index.
CREATE INDEX realtime_metrics_tenant_id_venue_id_index
    ON public.realtime_metrics (tenant_id, venue_id);
CREATE INDEX realtime_metrics_expires_at_index
    ON public.realtime_metrics (expires_at);

ALTER TABLE public.realtime_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.realtime_metrics FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.realtime_metrics
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
