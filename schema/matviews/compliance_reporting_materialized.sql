-- Snapshot of the last 30 days of compliance_reporting (one row per audit log entry),
-- refreshed by public.refresh_compliance_reporting_materialized().
-- Materialized views have no row-level security: tenant_id is part of the output so that
-- every reader can filter on it, and the view is granted to nobody.
CREATE MATERIALIZED VIEW public.compliance_reporting_materialized AS
SELECT c.audit_log_id,
       c.tenant_id,
       c.user_id,
       c.user_email,
       c.user_role,
       c.action,
       c.resource_type,
       c.resource_id,
       c.created_at,
       c.audit_date,
       c.data_change_type,
       c.sensitive_resource,
       c.risk_score,
       c.alert_level
FROM public.compliance_reporting AS c
WHERE c.created_at >= now() - interval '30 days';

COMMENT ON MATERIALIZED VIEW public.compliance_reporting_materialized IS
    'Last 30 days of compliance reporting; no RLS on materialized views, so filter on tenant_id.';

CREATE INDEX idx_compliance_reporting_materialized_audit_date
    ON public.compliance_reporting_materialized (audit_date);
CREATE INDEX idx_compliance_reporting_materialized_user_id
    ON public.compliance_reporting_materialized (user_id);
CREATE INDEX idx_compliance_reporting_materialized_alert_level
    ON public.compliance_reporting_materialized (alert_level);
-- Unique: audit_log_id is audit_logs.id and the chain joins users and audit_logs on their
-- primary keys, so each entry appears once. The seed had no unique index here, so its
-- REFRESH ... CONCURRENTLY always failed.
CREATE UNIQUE INDEX idx_compliance_reporting_materialized_audit_log_id
    ON public.compliance_reporting_materialized (audit_log_id);
