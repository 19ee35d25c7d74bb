-- Recency / frequency / monetary scores per customer and venue, recomputed nightly.
CREATE TABLE public.customer_rfm_scores (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    venue_id uuid NOT NULL,
    recency_days integer NOT NULL CHECK (recency_days >= 0),
    frequency integer NOT NULL CHECK (frequency >= 0),
    monetary numeric(12,2) NOT NULL,
    recency_score integer NOT NULL CHECK (recency_score BETWEEN 1 AND 5),
    frequency_score integer NOT NULL CHECK (frequency_score BETWEEN 1 AND 5),
    monetary_score integer NOT NULL CHECK (monetary_score BETWEEN 1 AND 5),
    total_score integer NOT NULL CHECK (total_score BETWEEN 3 AND 15),
    segment text NOT NULL,
    churn_risk text NOT NULL DEFAULT 'low'
        CHECK (churn_risk IN ('low', 'medium', 'high')),
    calculated_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_rfm_scores_customer_id_venue_id_unique UNIQUE (customer_id, venue_id)
);

-- The seed's plain (venue_id) index is dropped: it is a prefix of the two below.
CREATE INDEX customer_rfm_scores_tenant_id_index
    ON public.customer_rfm_scores (tenant_id);
CREATE INDEX customer_rfm_scores_segment_index
    ON public.customer_rfm_scores (segment);
CREATE INDEX customer_rfm_scores_total_score_index
    ON public.customer_rfm_scores (total_score);
CREATE INDEX customer_rfm_scores_calculated_at_index
    ON public.customer_rfm_scores (calculated_at);
CREATE INDEX customer_rfm_scores_venue_id_segment_index
    ON public.customer_rfm_scores (venue_id, segment);
CREATE INDEX customer_rfm_scores_venue_id_churn_risk_index
    ON public.customer_rfm_scores (venue_id, churn_risk);

ALTER TABLE public.customer_rfm_scores ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.customer_rfm_scores FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.customer_rfm_scores
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
