-- +goose Up
-- Accounts are the tenants: each business using the instance.
CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    legal_form      TEXT    NOT NULL DEFAULT '',
    siren           TEXT    NOT NULL DEFAULT '',
    siret           TEXT    NOT NULL DEFAULT '',
    vat_number      TEXT    NOT NULL DEFAULT '',
    address_line1   TEXT    NOT NULL DEFAULT '',
    address_line2   TEXT    NOT NULL DEFAULT '',
    postal_code     TEXT    NOT NULL DEFAULT '',
    city            TEXT    NOT NULL DEFAULT '',
    country         TEXT    NOT NULL DEFAULT 'FR',
    share_capital   INTEGER NOT NULL DEFAULT 0,
    rcs_city        TEXT    NOT NULL DEFAULT '',
    email           TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    website         TEXT    NOT NULL DEFAULT '',
    currency        TEXT    NOT NULL DEFAULT 'EUR',
    locale          TEXT    NOT NULL DEFAULT 'fr',
    time_zone       TEXT    NOT NULL DEFAULT 'Europe/Paris',
    logo            BLOB,
    logo_type       TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'active',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- Users are people; memberships attach them to accounts (an accountant may
-- serve several businesses).
CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL DEFAULT '',
    password_hash   TEXT    NOT NULL,
    locale          TEXT    NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    disabled_at     TIMESTAMP
);

CREATE TABLE memberships (
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Only hashes of session and API tokens are stored.
CREATE TABLE sessions (
    token_hash      TEXT    PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at      TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    ip              TEXT    NOT NULL DEFAULT '',
    user_agent      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL DEFAULT '',
    token_hash      TEXT    NOT NULL UNIQUE,
    created_at      TIMESTAMP NOT NULL,
    last_used_at    TIMESTAMP,
    expires_at      TIMESTAMP,
    revoked_at      TIMESTAMP,
    UNIQUE (account_id, id)
);

-- The activity log: one row per user write, in the write's transaction.
CREATE TABLE activity (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at              TIMESTAMP NOT NULL,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    module          TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    record_type     TEXT    NOT NULL DEFAULT '',
    record_id       INTEGER,
    summary         TEXT    NOT NULL DEFAULT '',
    changes         TEXT    NOT NULL DEFAULT '[]',
    ip              TEXT    NOT NULL DEFAULT '',
    user_agent      TEXT    NOT NULL DEFAULT '',
    UNIQUE (account_id, id)
);
CREATE INDEX activity_account_at ON activity (account_id, at);

-- The business's own bank accounts, printed on invoices.
CREATE TABLE bank_accounts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    label           TEXT    NOT NULL,
    holder          TEXT    NOT NULL DEFAULT '',
    iban            TEXT    NOT NULL,
    bic             TEXT    NOT NULL DEFAULT '',
    is_default      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (account_id, id)
);

-- Responses remembered for POST requests that carried an Idempotency-Key.
CREATE TABLE idempotency_keys (
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    key             TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    status          INTEGER NOT NULL,
    content_type    TEXT    NOT NULL DEFAULT '',
    body            BLOB    NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, user_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE bank_accounts;
DROP TABLE activity;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE accounts;
