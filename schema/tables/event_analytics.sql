-- Daily traffic and sales per event, written by the nightly analytics job.
-- Migration 002 created this table without tenant_id and isolated it with a per-row
-- subquery on the event service's events table. It now carries tenant_id and the
-- same policy as every other table.
CREATE TABLE public.event_analytics (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    event_id uuid NOT NULL,
    date date NOT NULL,
    tickets_sold integer NOT NULL DEFAULT 0 CHECK (tickets_sold >= 0),
    revenue numeric(12,2) NOT NULL DEFAULT 0,
    page_views integer NOT NULL DEFAULT 0 CHECK (page_views >= 0),
    unique_visitors integer NOT NULL DEFAULT 0 CHECK (unique_visitors >= 0),
    conversion_rate numeric(5,4) CHECK (conversion_rate BETWEEN 0 AND 1),
    capacity_utilization numeric(5,4) CHECK (capacity_utilization BETWEEN 0 AND 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_analytics_event_id_date_unique UNIQUE (event_id, date)
);

COMMENT ON TABLE public.event_analytics IS
    'Daily per-event analytics (table from migration 002, now tenant-scoped like the rest).';

-- Dropped from the seed: (event_id, date), a duplicate of the unique key's index.
-- The seed's (date) index becomes (tenant_id, date): every query runs under the tenant policy.
CREATE INDEX event_analytics_tenant_id_date_index
    ON public.event_analytics (tenant_id, date);

ALTER TABLE public.event_analytics ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.event_analytics FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.event_analytics
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
