-- +goose Up
-- (The lookup reads the e-mail log by address and a person's cases through
-- the indexes mail_log_to and cases_contact of version 00028.)
-- Data subjects' requests (access, rectification, erasure, restriction,
-- objection, portability): who asked, the one-month deadline and its
-- extension, the identity check by a code e-mailed to the requester, the
-- answer and, for an erasure, its report. Kept as proof of handling for
-- the prescription period, also after the person is erased.
CREATE TABLE privacy_requests (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    requester_name    TEXT    NOT NULL,
    requester_email   TEXT    NOT NULL DEFAULT '',
    requester_phone   TEXT    NOT NULL DEFAULT '',
    channel           TEXT    NOT NULL,
    details           TEXT    NOT NULL DEFAULT '',
    received_on       TEXT    NOT NULL,
    due_on            TEXT    NOT NULL,
    extended_due_on   TEXT    NOT NULL DEFAULT '',
    extension_reason  TEXT    NOT NULL DEFAULT '',
    code_hash         TEXT    NOT NULL DEFAULT '',
    code_expires_at   TIMESTAMP,
    code_attempts     INTEGER NOT NULL DEFAULT 0,
    code_sent_at      TIMESTAMP,
    codes_sent        INTEGER NOT NULL DEFAULT 0,
    verified_at       TIMESTAMP,
    verified_by       TEXT    NOT NULL DEFAULT '',
    verification_note TEXT    NOT NULL DEFAULT '',
    notes             TEXT    NOT NULL DEFAULT '',
    answer            TEXT    NOT NULL DEFAULT '',
    answered_at       TIMESTAMP,
    closed_at         TIMESTAMP,
    report            TEXT    NOT NULL DEFAULT '',
    created_by        INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (account_id, id)
);
CREATE INDEX privacy_requests_open ON privacy_requests (account_id, status, due_on);
-- The contacts found to be the requester's. No foreign key: the link
-- outlives a contact deleted by the erasure it asked for.
CREATE TABLE privacy_request_contacts (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    request_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    PRIMARY KEY (account_id, request_id, contact_id),
    FOREIGN KEY (account_id, request_id) REFERENCES privacy_requests (account_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE privacy_request_contacts;
DROP TABLE privacy_requests;
