-- Step 2 of customer 360: marketing consent and preferences from the user profile.
CREATE VIEW public.customer_360_with_preferences
    WITH (security_invoker = true)
AS
SELECT b.customer_id,
       b.tenant_id,
       b.email,
       b.first_name,
       b.last_name,
       b.account_status,
       b.customer_since,
       b.last_login_at,
       b.tickets_purchased,
       b.events_attended,
       b.first_purchase_at,
       b.last_purchase_at,
       coalesce(u.marketing_opt_in, false) AS marketing_opt_in,
       u.preferred_language,
       coalesce(u.preferences, '{}'::jsonb) AS preferences
FROM public.customer_360_basic AS b
JOIN public.users AS u
  ON u.id = b.customer_id
 AND u.tenant_id = b.tenant_id;
