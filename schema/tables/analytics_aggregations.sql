-- Pre-computed metric roll-ups, one row per metric, entity and time bucket.
CREATE TABLE public.analytics_aggregations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    aggregation_type text NOT NULL
        CHECK (aggregation_type IN ('sum', 'avg', 'min', 'max', 'count', 'p95')),
    metric_type text NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    time_period text NOT NULL
        CHECK (time_period IN ('hour', 'day', 'week', 'month', 'quarter', 'year')),
    period_start timestamptz NOT NULL,
    period_end timestamptz NOT NULL,
    value numeric(20,4) NOT NULL,
    sample_count integer NOT NULL DEFAULT 0 CHECK (sample_count >= 0),
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT analytics_aggregations_period_check CHECK (period_end > period_start),
    -- Production carries knex's 113-byte name truncated by PostgreSQL to 63 bytes
    -- (analytics_aggregations_tenant_id_aggregation_type_metric_type_e); named properly here.
    CONSTRAINT analytics_aggregations_natural_key_unique
        UNIQUE (tenant_id, aggregation_type, metric_type, entity_type, entity_id, time_period, period_start)
);

-- Dropped from the seed: (tenant_id) and (tenant_id, aggregation_type), both left prefixes
-- of the natural key above.
CREATE INDEX analytics_aggregations_tenant_id_metric_type_index
    ON public.analytics_aggregations (tenant_id, metric_type);
CREATE INDEX analytics_aggregations_tenant_id_entity_type_entity_id_index
    ON public.analytics_aggregations (tenant_id, entity_type, entity_id);
CREATE INDEX analytics_aggregations_tenant_id_time_period_period_start_index
    ON public.analytics_aggregations (tenant_id, time_period, period_start);
CREATE INDEX analytics_aggregations_period_start_index
    ON public.analytics_aggregations (period_start);

ALTER TABLE public.analytics_aggregations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.analytics_aggregations FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.analytics_aggregations
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
