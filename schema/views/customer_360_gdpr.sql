-- Customer 360 without personal data: the e-mail is masked, names and preferences are left out.
CREATE VIEW public.customer_360_gdpr
    WITH (security_invoker = true)
AS
SELECT c.customer_id,
       c.tenant_id,
       regexp_replace(c.email, '^(.).*(@.*)$', '\1***\2') AS email_masked,
       c.account_status,
       c.customer_since,
       c.marketing_opt_in,
       c.tickets_purchased,
       c.events_attended,
       c.order_count,
       c.total_spent,
       c.engagement_level,
       c.value_segment,
       c.churn_risk
FROM public.customer_360 AS c;
