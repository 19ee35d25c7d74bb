-- Step 1 of compliance reporting: one row per audit log entry.
CREATE VIEW public.compliance_reporting_basic
    WITH (security_invoker = true)
AS
SELECT al.id AS audit_log_id,
       al.tenant_id,
       al.user_id,
       al.action,
       al.resource_type,
       al.resource_id,
       al.ip_address,
       al.created_at,
       (al.created_at AT TIME ZONE 'UTC')::date AS audit_date
FROM public.audit_logs AS al;
