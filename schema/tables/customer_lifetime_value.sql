-- Historical and predicted customer lifetime value, one row per customer.
CREATE TABLE public.customer_lifetime_value (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    venue_id uuid,
    clv numeric(12,2) NOT NULL,
    avg_order_value numeric(12,2),
    purchase_frequency numeric(8,4),
    customer_lifespan_days integer CHECK (customer_lifespan_days >= 0),
    total_purchases integer NOT NULL DEFAULT 0 CHECK (total_purchases >= 0),
    total_revenue numeric(12,2) NOT NULL DEFAULT 0,
    predicted_clv_12_months numeric(12,2),
    predicted_clv_24_months numeric(12,2),
    churn_probability numeric(5,4) CHECK (churn_probability BETWEEN 0 AND 1),
    calculated_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_lifetime_value_customer_id_unique UNIQUE (customer_id)
);

-- The seed's plain (venue_id) index is dropped: it is a prefix of (venue_id, clv).
CREATE INDEX customer_lifetime_value_tenant_id_index
    ON public.customer_lifetime_value (tenant_id);
CREATE INDEX customer_lifetime_value_clv_index
    ON public.customer_lifetime_value (clv);
CREATE INDEX customer_lifetime_value_calculated_at_index
    ON public.customer_lifetime_value (calculated_at);
CREATE INDEX customer_lifetime_value_venue_id_clv_index
    ON public.customer_lifetime_value (venue_id, clv);

ALTER TABLE public.customer_lifetime_value ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.customer_lifetime_value FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON public.customer_lifetime_value
    AS PERMISSIVE FOR ALL TO PUBLIC
    USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')::uuid);
