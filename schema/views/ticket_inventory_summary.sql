-- Sold, reserved and remaining tickets per ticket type.
CREATE VIEW public.ticket_inventory_summary
    WITH (security_invoker = true)
AS
SELECT tt.id AS ticket_type_id,
       tt.tenant_id,
       e.id AS event_id,
       e.name AS event_name,
       tt.name AS ticket_type_name,
       tt.price AS face_value,
       tt.quantity AS total_quantity,
       count(t.id) FILTER (WHERE t.status IN ('active', 'used')) AS sold,
       count(t.id) FILTER (WHERE t.status = 'reserved') AS reserved,
       greatest(tt.quantity - count(t.id) FILTER (WHERE t.status IN ('active', 'used', 'reserved')), 0)
           AS available
FROM public.ticket_types AS tt
JOIN public.events AS e
  ON e.id = tt.event_id
 AND e.tenant_id = tt.tenant_id
LEFT JOIN public.tickets AS t
       ON t.ticket_type_id = tt.id
      AND t.tenant_id = tt.tenant_id
GROUP BY tt.id, tt.tenant_id, e.id, e.name, tt.name, tt.price, tt.quantity;
