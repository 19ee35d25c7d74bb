-- User-defined dashboards; their widgets live in analytics_widgets.
CREATE TABLE public.analytics_dashboards (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    name text NOT NULL,
    description text,
    type text NOT NULL DEFAULT 'custom'
        CHECK (type IN ('overview', 'sales', 'customer', 'marketing', 'financial', 'custom')),
    layout jsonb NOT NULL DEFAULT '[]'::jsonb,
    filters jsonb NOT NULL DEFAULT '{}'::jsonb,
    is_default boolean NOT NULL DEFAULT false,
    is_public boolean NOT NULL DEFAULT false,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The seed's plain (tenant_id) index is dropped: it is a prefix of the indexes below.
CREATE INDEX analytics_dashboards_tenant_id_type_index
    ON public.analytics_dashboards (tenant_id, type);
CREATE INDEX analytics_dashboards_tenant_id_created_by_index
    ON public.analytics_dashboards (tenant_id, created_by);
CREATE INDEX analytics_dashboards_tenant_id_is_default_index
    ON public.analytics_dashboards (tenant_id, is_default);

ALTER TABLE public.analytics_dashboards ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.analytics_dashboards FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.analytics_dashboards
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
