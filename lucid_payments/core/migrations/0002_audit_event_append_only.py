"""The audit log is append-only, enforced by PostgreSQL rather than by convention.

A row trigger refuses UPDATE and DELETE with SQLSTATE 23001 (restrict_violation, which
Django raises as IntegrityError). TRUNCATE is deliberately not blocked: it needs table
ownership, and the test runner uses it to reset the database between transactional tests.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION core_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_event")]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
