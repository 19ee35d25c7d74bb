-- Raw metric samples recorded by the analytics service, one row per observation.
CREATE TABLE public.analytics_metrics (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    metric_type text NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid,
    value numeric(20,4) NOT NULL,
    unit text,
    dimensions jsonb NOT NULL DEFAULT '{}'::jsonb,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    "timestamp" timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE public.analytics_metrics IS
    'Raw metric samples per tenant; aggregated into analytics_aggregations.';

-- The seed's plain (tenant_id) index is dropped: every index below leads with tenant_id.
CREATE INDEX analytics_metrics_tenant_id_metric_type_index
    ON public.analytics_metrics (tenant_id, metric_type);
CREATE INDEX analytics_metrics_tenant_id_entity_type_entity_id_index
    ON public.analytics_metrics (tenant_id, entity_type, entity_id);
CREATE INDEX analytics_metrics_tenant_id_timestamp_index
    ON public.analytics_metrics (tenant_id, "timestamp");
-- Cross-tenant retention jobs delete by age.
CREATE INDEX analytics_metrics_timestamp_index
    ON public.analytics_metrics ("timestamp");

ALTER TABLE public.analytics_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.analytics_metrics FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.analytics_metrics
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
