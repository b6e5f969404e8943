"""The audit trail is append-only in the database itself, not only in the UI.

On PostgreSQL every history table (django-simple-history's `historical*` tables) gets a
trigger that refuses UPDATE and DELETE. The one update allowed is Django setting
`history_user_id` to NULL when a user account is deleted, so that deleting a user does
not fail; the record of what they did stays.
"""

from django.apps import apps
from django.db import connection

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION cmo_portal_history_is_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.history_user_id IS NULL
       AND (to_jsonb(NEW) - 'history_user_id') = (to_jsonb(OLD) - 'history_user_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail (%) cannot be changed or deleted.', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def history_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and hasattr(model, "history_id")
    )


def protect_history_tables(using: str = "default") -> list[str]:
    """Install the append-only trigger on every history table; idempotent."""
    if connection.vendor != "postgresql":
        return []
    tables = history_tables()
    with connection.cursor() as cursor:
        cursor.execute(TRIGGER_FUNCTION)
        for table in tables:
            cursor.execute(
                "CREATE OR REPLACE TRIGGER history_append_only "
                f'BEFORE UPDATE OR DELETE ON "{table}" '
                "FOR EACH ROW EXECUTE FUNCTION cmo_portal_history_is_append_only()"
            )
    return tables
