-- owner: venue-service
-- Tables owned by the venue service and read by the analytics views.
-- Declared so that references can be checked; schema-plan never creates, alters or drops them.
-- Only the columns this project uses are listed.

CREATE TABLE public.venues (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    name text,
    city text,
    capacity integer
);
ALTER TABLE public.venues ENABLE ROW LEVEL SECURITY;
