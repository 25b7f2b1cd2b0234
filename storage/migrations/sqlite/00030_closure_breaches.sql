-- +goose Up
-- Closing an account: closes_at is the end of the grace period set when
-- the owner confirmed the closure (NULL while the account is open); when
-- it has passed, the account's data are deleted except the accounting
-- documents under a legal hold, and closed_at records when. A pending
-- closure waits for the code e-mailed to the owner (hashed, short-lived,
-- a few attempts).
ALTER TABLE accounts ADD COLUMN closes_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN closed_at TIMESTAMP;
CREATE TABLE account_closures (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
);
-- The register of personal-data breaches (GDPR Article 33(5)): a record is
-- corrected, never deleted.
CREATE TABLE breaches (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id          INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    discovered_at       TIMESTAMP NOT NULL,
    reported_by         TEXT    NOT NULL DEFAULT '',
    nature              TEXT    NOT NULL,
    categories          TEXT    NOT NULL DEFAULT '',
    subjects            TEXT    NOT NULL DEFAULT '',
    people_count        INTEGER NOT NULL DEFAULT 0,
    records_count       INTEGER NOT NULL DEFAULT 0,
    consequences        TEXT    NOT NULL DEFAULT '',
    measures            TEXT    NOT NULL DEFAULT '',
    risk                TEXT    NOT NULL DEFAULT 'risk',
    authority_notified_at TIMESTAMP,
    authority_reference TEXT    NOT NULL DEFAULT '',
    late_reason         TEXT    NOT NULL DEFAULT '',
    people_notified_at  TIMESTAMP,
    no_notice_reason    TEXT    NOT NULL DEFAULT '',
    status              TEXT    NOT NULL DEFAULT 'open',
    created_by          INTEGER NOT NULL DEFAULT 0,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    UNIQUE (account_id, id)
);
CREATE INDEX breaches_account ON breaches (account_id, discovered_at DESC, id DESC);

-- +goose Down
DROP TABLE breaches;
DROP TABLE account_closures;
ALTER TABLE accounts DROP COLUMN closed_at;
ALTER TABLE accounts DROP COLUMN closes_at;
