-- +goose Up
-- Retention: an account's own periods for the default policies
-- (privacy.DefaultPolicies), and the log of every retention run, dry or
-- not, with its counts per policy and action. A run's samples name records
-- by id or document number only: a real run must not keep the names of the
-- people it deleted.
CREATE TABLE retention_policies (
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key         TEXT    NOT NULL,
    active      TEXT    NOT NULL,
    archive     TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    updated_by  INTEGER,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE TABLE retention_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    as_of       TEXT    NOT NULL,
    dry_run     BOOLEAN NOT NULL,
    started_by  INTEGER,
    counts      TEXT    NOT NULL DEFAULT '[]',
    error       TEXT    NOT NULL DEFAULT '',
    UNIQUE (account_id, id)
);
-- Deleting a contact looks up the people attached to it and its cases:
-- without these, each deletion scanned the table.
CREATE INDEX contacts_company_ref ON contacts (company_id) WHERE company_id IS NOT NULL;
CREATE INDEX cases_contact ON cases (account_id, contact_id);
-- Erasing a person, or a batch of prospects, empties the deliveries to
-- their address: found by index, not by reading the account's whole log.
CREATE INDEX mail_log_to ON mail_log (account_id, lower(to_address));
-- Whether an account has archived contacts, which the lists then hide
-- from those without the privacy right.
CREATE INDEX contacts_archived ON contacts (account_id) WHERE archived_at IS NOT NULL;

-- +goose Down
DROP INDEX mail_log_to;
DROP INDEX contacts_archived;
DROP INDEX cases_contact;
DROP INDEX contacts_company_ref;
DROP TABLE retention_runs;
DROP TABLE retention_policies;
