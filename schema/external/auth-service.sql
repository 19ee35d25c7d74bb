-- owner: auth-service
-- Tables owned by the auth service and read by the analytics views.
-- Declared so that references can be checked; schema-plan never creates, alters or drops them.
-- Only the columns this project uses are listed.

CREATE TABLE public.users (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    email text,
    first_name text,
    last_name text,
    status text,
    role text,
    marketing_opt_in boolean,
    preferred_language text,
    preferences jsonb,
    last_login_at timestamptz,
    created_at timestamptz
);
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

CREATE TABLE public.audit_logs (
    id uuid PRIMARY KEY,
    tenant_id uuid,
    user_id uuid,
    action text,
    resource_type text,
    resource_id text,
    ip_address inet,
    old_values jsonb,
    new_values jsonb,
    created_at timestamptz
);
ALTER TABLE public.audit_logs ENABLE ROW LEVEL SECURITY;
