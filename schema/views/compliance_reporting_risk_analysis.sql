-- Step 4 of compliance reporting: a 0-100 risk score per action.
CREATE VIEW public.compliance_reporting_risk_analysis
    WITH (security_invoker = true)
AS
SELECT d.audit_log_id,
       d.tenant_id,
       d.user_id,
       d.action,
       d.resource_type,
       d.resource_id,
       d.ip_address,
       d.created_at,
       d.audit_date,
       d.user_email,
       d.user_role,
       d.user_daily_action_count,
       d.data_change_type,
       d.changed_field_count,
       d.sensitive_resource,
       extract(hour FROM d.created_at AT TIME ZONE 'UTC') NOT BETWEEN 6 AND 21 AS off_hours,
       least(100,
             CASE WHEN d.data_change_type = 'delete' THEN 40 ELSE 0 END
           + CASE WHEN d.sensitive_resource THEN 30 ELSE 0 END
           + CASE WHEN d.user_daily_action_count > 500 THEN 20 ELSE 0 END
           + CASE WHEN extract(hour FROM d.created_at AT TIME ZONE 'UTC') NOT BETWEEN 6 AND 21 THEN 10 ELSE 0 END
           + CASE WHEN d.user_role = 'admin' AND d.data_change_type IS NOT NULL THEN 10 ELSE 0 END
       ) AS risk_score
FROM public.compliance_reporting_data_changes AS d;
