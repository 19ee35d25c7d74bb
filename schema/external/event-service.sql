-- owner: event-service
-- Tables owned by the event service and read by the analytics views.
-- Declared so that references can be checked; schema-plan never creates, alters or drops them.
-- Only the columns this project uses are listed.

CREATE TABLE public.events (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    venue_id uuid,
    name text,
    status text
);
ALTER TABLE public.events ENABLE ROW LEVEL SECURITY;

CREATE TABLE public.event_schedules (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    event_id uuid,
    starts_at timestamptz,
    ends_at timestamptz
);
ALTER TABLE public.event_schedules ENABLE ROW LEVEL SECURITY;

CREATE TABLE public.event_capacity (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    event_id uuid,
    total_capacity integer,
    available_capacity integer
);
ALTER TABLE public.event_capacity ENABLE ROW LEVEL SECURITY;
