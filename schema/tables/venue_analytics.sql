-- Daily traffic and sales per venue, written by the nightly analytics job.
-- Migration 002 created this table without tenant_id and isolated it with
-- venue_id::text = current_setting(...), comparing a venue id with a tenant id.
-- It now carries tenant_id and the same policy as every other table.
CREATE TABLE public.venue_analytics (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    venue_id uuid NOT NULL,
    date date NOT NULL,
    revenue numeric(12,2) NOT NULL DEFAULT 0,
    tickets_sold integer NOT NULL DEFAULT 0 CHECK (tickets_sold >= 0),
    page_views integer NOT NULL DEFAULT 0 CHECK (page_views >= 0),
    unique_visitors integer NOT NULL DEFAULT 0 CHECK (unique_visitors >= 0),
    conversion_rate numeric(5,4) CHECK (conversion_rate BETWEEN 0 AND 1),
    avg_ticket_price numeric(12,2),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT venue_analytics_venue_id_date_unique UNIQUE (venue_id, date)
);

COMMENT ON TABLE public.venue_analytics IS
    'Daily per-venue analytics (table from migration 002; the 001 view of this name is now venue_performance_summary).';

-- Dropped from the seed: (venue_id, date), a duplicate of the unique key's index.
-- The seed's (date) index becomes (tenant_id, date): every query runs under the tenant policy.
CREATE INDEX venue_analytics_tenant_id_date_index
    ON public.venue_analytics (tenant_id, date);

ALTER TABLE public.venue_analytics ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.venue_analytics FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.venue_analytics
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
