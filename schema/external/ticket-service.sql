-- owner: ticket-service
-- Tables owned by the ticket service and read by the analytics views.
-- Declared so that references can be checked; schema-plan never creates, alters or drops them.
-- Only the columns this project uses are listed.

CREATE TABLE public.tickets (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    event_id uuid,
    ticket_type_id uuid,
    user_id uuid,
    status text,
    price numeric(12,2),
    purchased_at timestamptz
);
ALTER TABLE public.tickets ENABLE ROW LEVEL SECURITY;

CREATE TABLE public.ticket_types (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    event_id uuid,
    name text,
    price numeric(12,2),
    quantity integer
);
ALTER TABLE public.ticket_types ENABLE ROW LEVEL SECURITY;
