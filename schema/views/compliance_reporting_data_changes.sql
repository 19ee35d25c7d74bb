-- Step 3 of compliance reporting: what data each action changed.
CREATE VIEW public.compliance_reporting_data_changes
    WITH (security_invoker = true)
AS
SELECT ua.audit_log_id,
       ua.tenant_id,
       ua.user_id,
       ua.action,
       ua.resource_type,
       ua.resource_id,
       ua.ip_address,
       ua.created_at,
       ua.audit_date,
       ua.user_email,
       ua.user_role,
       ua.user_daily_action_count,
       CASE WHEN ua.action IN ('create', 'update', 'delete') THEN ua.action END AS data_change_type,
       (
           SELECT count(*)
           FROM jsonb_object_keys(coalesce(al.new_values, '{}'::jsonb) || coalesce(al.old_values, '{}'::jsonb))
                AS k (key)
           WHERE (al.old_values -> k.key) IS DISTINCT FROM (al.new_values -> k.key)
       ) AS changed_field_count,
       ua.resource_type IN ('users', 'payment_transactions', 'payment_methods') AS sensitive_resource
FROM public.compliance_reporting_user_activity AS ua
JOIN public.audit_logs AS al
  ON al.id = ua.audit_log_id
 AND al.tenant_id = ua.tenant_id;
