-- Audit activity and alerts per tenant and day.
CREATE VIEW public.daily_compliance_summary
    WITH (security_invoker = true)
AS
SELECT c.tenant_id,
       c.audit_date,
       count(*) AS action_count,
       count(DISTINCT c.user_id) AS unique_users,
       count(*) FILTER (WHERE c.data_change_type IS NOT NULL) AS data_change_count,
       count(*) FILTER (WHERE c.data_change_type = 'delete') AS delete_count,
       count(*) FILTER (WHERE c.sensitive_resource) AS sensitive_access_count,
       count(*) FILTER (WHERE c.alert_level = 'critical') AS critical_alerts,
       count(*) FILTER (WHERE c.alert_level = 'high') AS high_alerts,
       max(c.risk_score) AS max_risk_score
FROM public.compliance_reporting AS c
GROUP BY c.tenant_id, c.audit_date;
