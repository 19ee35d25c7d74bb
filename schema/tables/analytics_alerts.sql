-- Alerts raised when a metric crosses a threshold.
CREATE TABLE public.analytics_alerts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    alert_type text NOT NULL,
    severity text NOT NULL DEFAULT 'info'
        CHECK (severity IN ('info', 'warning', 'critical')),
    status text NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'acknowledged', 'resolved')),
    entity_type text NOT NULL,
    entity_id uuid,
    title text NOT NULL,
    message text,
    metric_type text,
    threshold_value numeric(20,4),
    current_value numeric(20,4),
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    triggered_at timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    acknowledged_by uuid,
    resolved_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The seed's plain (tenant_id) index is dropped: it is a prefix of the indexes below.
CREATE INDEX analytics_alerts_tenant_id_status_index
    ON public.analytics_alerts (tenant_id, status);
CREATE INDEX analytics_alerts_tenant_id_alert_type_index
    ON public.analytics_alerts (tenant_id, alert_type);
CREATE INDEX analytics_alerts_tenant_id_severity_index
    ON public.analytics_alerts (tenant_id, severity);
CREATE INDEX analytics_alerts_tenant_id_entity_type_entity_id_index
    ON public.analytics_alerts (tenant_id, entity_type, entity_id);
CREATE INDEX analytics_alerts_triggered_at_index
    ON public.analytics_alerts (triggered_at);

ALTER TABLE public.analytics_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.analytics_alerts FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.analytics_alerts
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
