-- One row per ticket with its event, venue and ticket type.
CREATE VIEW public.ticket_status_details
    WITH (security_invoker = true)
AS
SELECT t.id AS ticket_id,
       t.tenant_id,
       t.status AS ticket_status,
       t.price,
       t.purchased_at,
       t.user_id,
       e.id AS event_id,
       e.name AS event_name,
       e.status AS event_status,
       v.id AS venue_id,
       v.name AS venue_name,
       tt.id AS ticket_type_id,
       tt.name AS ticket_type_name,
       tt.price AS face_value
FROM public.tickets AS t
JOIN public.events AS e
  ON e.id = t.event_id
 AND e.tenant_id = t.tenant_id
JOIN public.venues AS v
  ON v.id = e.venue_id
 AND v.tenant_id = e.tenant_id
LEFT JOIN public.ticket_types AS tt
       ON tt.id = t.ticket_type_id
      AND tt.tenant_id = t.tenant_id;
