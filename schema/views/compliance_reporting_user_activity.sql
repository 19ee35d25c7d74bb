-- Step 2 of compliance reporting: who acted, and how busy they were that day.
CREATE VIEW public.compliance_reporting_user_activity
    WITH (security_invoker = true)
AS
SELECT b.audit_log_id,
       b.tenant_id,
       b.user_id,
       b.action,
       b.resource_type,
       b.resource_id,
       b.ip_address,
       b.created_at,
       b.audit_date,
       u.email AS user_email,
       u.role AS user_role,
       count(*) OVER (PARTITION BY b.tenant_id, b.user_id, b.audit_date) AS user_daily_action_count
FROM public.compliance_reporting_basic AS b
LEFT JOIN public.users AS u
       ON u.id = b.user_id
      AND u.tenant_id = b.tenant_id;
