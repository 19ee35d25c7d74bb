-- Audit activity and risk per user.
CREATE VIEW public.user_risk_profile
    WITH (security_invoker = true)
AS
SELECT c.tenant_id,
       c.user_id,
       c.user_email,
       c.user_role,
       count(*) AS action_count,
       count(*) FILTER (WHERE c.data_change_type IS NOT NULL) AS data_change_count,
       count(*) FILTER (WHERE c.off_hours) AS off_hours_action_count,
       round(avg(c.risk_score), 2) AS avg_risk_score,
       max(c.risk_score) AS max_risk_score,
       count(*) FILTER (WHERE c.alert_level IN ('critical', 'high')) AS serious_alert_count,
       min(c.created_at) AS first_activity_at,
       max(c.created_at) AS last_activity_at
FROM public.compliance_reporting AS c
GROUP BY c.tenant_id, c.user_id, c.user_email, c.user_role;
