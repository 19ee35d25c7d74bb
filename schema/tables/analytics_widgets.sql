-- Widgets placed on a dashboard; deleted with their dashboard.
CREATE TABLE public.analytics_widgets (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    dashboard_id uuid NOT NULL,
    widget_type text NOT NULL,
    title text NOT NULL,
    data_source text,
    configuration jsonb NOT NULL DEFAULT '{}'::jsonb,
    grid_position jsonb NOT NULL DEFAULT '{}'::jsonb,
    refresh_interval_seconds integer CHECK (refresh_interval_seconds > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT analytics_widgets_dashboard_id_foreign
        FOREIGN KEY (dashboard_id) REFERENCES public.analytics_dashboards (id) ON DELETE CASCADE
);

-- Covers the foreign key: deleting a dashboard finds its widgets without a scan.
-- The seed only had (tenant_id, dashboard_id), which a lookup by dashboard_id alone cannot use well.
CREATE INDEX analytics_widgets_dashboard_id_index
    ON public.analytics_widgets (dashboard_id);
CREATE INDEX analytics_widgets_tenant_id_dashboard_id_index
    ON public.analytics_widgets (tenant_id, dashboard_id);
CREATE INDEX analytics_widgets_tenant_id_widget_type_index
    ON public.analytics_widgets (tenant_id, widget_type);

ALTER TABLE public.analytics_widgets ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.analytics_widgets FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.analytics_widgets
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
