-- Named customer segments per venue with their current size and value.
CREATE TABLE public.customer_segments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    venue_id uuid NOT NULL,
    segment_name text NOT NULL,
    description text,
    criteria jsonb NOT NULL DEFAULT '{}'::jsonb,
    customer_count integer NOT NULL DEFAULT 0 CHECK (customer_count >= 0),
    total_revenue numeric(12,2) NOT NULL DEFAULT 0,
    avg_order_value numeric(12,2),
    last_calculated_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_segments_venue_id_segment_name_unique UNIQUE (venue_id, segment_name)
);

CREATE INDEX customer_segments_tenant_id_index
    ON public.customer_segments (tenant_id);
CREATE INDEX customer_segments_last_calculated_at_index
    ON public.customer_segments (last_calculated_at);

ALTER TABLE public.customer_segments ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.customer_segments FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.customer_segments
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
