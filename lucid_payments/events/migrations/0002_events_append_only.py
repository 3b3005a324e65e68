"""Events are append-only, enforced by PostgreSQL: UPDATE and DELETE are refused. What a
client was told happened stays what happened. (TRUNCATE, used by test teardown, is a
statement-level operation and is not affected.)"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION events_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % on events_event is refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER events_event_append_only
    BEFORE UPDATE OR DELETE ON events_event
    FOR EACH ROW EXECUTE FUNCTION events_event_refuse_change();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS events_event_append_only ON events_event;
DROP FUNCTION IF EXISTS events_event_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
