-- Compliance reporting without personal data: no e-mail, the IP address cut to its network.
CREATE VIEW public.compliance_reporting_gdpr
    WITH (security_invoker = true)
AS
SELECT c.audit_log_id,
       c.tenant_id,
       c.user_id,
       c.user_role,
       c.action,
       c.resource_type,
       c.audit_date,
       network(set_masklen(c.ip_address, CASE WHEN family(c.ip_address) = 4 THEN 24 ELSE 48 END))
           AS ip_network,
       c.data_change_type,
       c.sensitive_resource,
       c.risk_score,
       c.alert_level
FROM public.compliance_reporting AS c;
