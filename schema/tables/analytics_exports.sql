-- Export jobs (CSV, XLSX, ...) requested by users; files expire after expires_at.
CREATE TABLE public.analytics_exports (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    export_type text NOT NULL,
    format text NOT NULL DEFAULT 'csv'
        CHECK (format IN ('csv', 'xlsx', 'json', 'pdf')),
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'expired')),
    parameters jsonb NOT NULL DEFAULT '{}'::jsonb,
    file_url text,
    file_size_bytes bigint CHECK (file_size_bytes >= 0),
    row_count integer CHECK (row_count >= 0),
    error_message text,
    requested_by uuid NOT NULL,
    started_at timestamptz,
    completed_at timestamptz,
    expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The seed's plain (tenant_id) index is dropped: it is a prefix of the indexes below.
CREATE INDEX analytics_exports_tenant_id_status_index
    ON public.analytics_exports (tenant_id, status);
CREATE INDEX analytics_exports_tenant_id_requested_by_index
    ON public.analytics_exports (tenant_id, requested_by);
CREATE INDEX analytics_exports_tenant_id_export_type_index
    ON public.analytics_exports (tenant_id, export_type);
-- The clean-up job removes expired files for all tenants.
CREATE INDEX analytics_exports_expires_at_index
    ON public.analytics_exports (expires_at);

ALTER TABLE public.analytics_exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.analytics_exports FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.analytics_exports
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
