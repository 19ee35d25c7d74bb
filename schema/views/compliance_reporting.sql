-- Compliance reporting: the last step of the compliance_reporting_* chain, one row per audit log entry.
CREATE VIEW public.compliance_reporting
    WITH (security_invoker = true)
AS
SELECT r.audit_log_id,
       r.tenant_id,
       r.user_id,
       r.user_email,
       r.user_role,
       r.action,
       r.resource_type,
       r.resource_id,
       r.ip_address,
       r.created_at,
       r.audit_date,
       r.user_daily_action_count,
       r.data_change_type,
       r.changed_field_count,
       r.sensitive_resource,
       r.off_hours,
       r.risk_score,
       CASE
           WHEN r.risk_score >= 70 THEN 'critical'
           WHEN r.risk_score >= 40 THEN 'high'
           WHEN r.risk_score >= 20 THEN 'medium'
           ELSE 'low'
       END AS alert_level
FROM public.compliance_reporting_risk_analysis AS r;

COMMENT ON VIEW public.compliance_reporting IS
    'One row per audit log entry with the acting user, data changed, risk score and alert level.';
