"""The ledger's rules, enforced by PostgreSQL itself.

1. The postings of an entry sum to zero per asset. A constraint trigger, DEFERRABLE
   INITIALLY DEFERRED, checks each entry that got postings when the transaction commits,
   so the legs can be written in any order inside it (the approach django-hordak takes).
2. An entry has postings: an entry row alone is refused at commit.
3. Entries and postings are append-only: UPDATE and DELETE are refused; a correction is
   a new entry. (TRUNCATE, used by test teardown, is a statement-level operation and is
   not affected.)
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION wallets_posting_check_entry_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    off record;
BEGIN
    SELECT a.asset, SUM(p.amount) AS total INTO off
      FROM wallets_posting p JOIN wallets_ledgeraccount a ON a.id = p.account_id
     WHERE p.entry_id = NEW.entry_id
     GROUP BY a.asset
    HAVING SUM(p.amount) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % is unbalanced: % postings sum to %',
            NEW.entry_id, off.asset, off.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER wallets_posting_entry_balanced
    AFTER INSERT ON wallets_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION wallets_posting_check_entry_balanced();

CREATE FUNCTION wallets_entry_check_has_postings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM wallets_posting WHERE entry_id = NEW.id) THEN
        RAISE EXCEPTION 'ledger entry % has no postings', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER wallets_entry_has_postings
    AFTER INSERT ON wallets_journalentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION wallets_entry_check_has_postings();

CREATE FUNCTION wallets_ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % is refused; book a correcting entry',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER wallets_journalentry_append_only
    BEFORE UPDATE OR DELETE ON wallets_journalentry
    FOR EACH ROW EXECUTE FUNCTION wallets_ledger_refuse_change();

CREATE TRIGGER wallets_posting_append_only
    BEFORE UPDATE OR DELETE ON wallets_posting
    FOR EACH ROW EXECUTE FUNCTION wallets_ledger_refuse_change();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS wallets_posting_append_only ON wallets_posting;
DROP TRIGGER IF EXISTS wallets_journalentry_append_only ON wallets_journalentry;
DROP FUNCTION IF EXISTS wallets_ledger_refuse_change();
DROP TRIGGER IF EXISTS wallets_entry_has_postings ON wallets_journalentry;
DROP FUNCTION IF EXISTS wallets_entry_check_has_postings();
DROP TRIGGER IF EXISTS wallets_posting_entry_balanced ON wallets_posting;
DROP FUNCTION IF EXISTS wallets_posting_check_entry_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("wallets", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
