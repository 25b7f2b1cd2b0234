-- +goose Up
-- Operators run the instance. They see accounts' names and health, never
-- their data, unless an owner grants support access for a limited time.
-- Each operator acts through a shadow user that can never log in (its
-- password hash is not a hash), so that their actions carry a name.
CREATE TABLE operators (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL UNIQUE,
    password_hash   TEXT    NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    disabled_at     TIMESTAMP
);
CREATE TABLE operator_sessions (
    token_hash      TEXT    PRIMARY KEY,
    operator_id     INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    created_at      TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    ip              TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE support_grants (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    granted_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    role            TEXT    NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    revoked_at      TIMESTAMP,
    UNIQUE (account_id, id)
);
-- A support session acts in an account under a grant, not a membership.
ALTER TABLE sessions ADD COLUMN support_grant_id INTEGER;
-- Entries written under support access say so, inside the hash chain.
ALTER TABLE activity ADD COLUMN via_support BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE activity DROP COLUMN via_support;
ALTER TABLE sessions DROP COLUMN support_grant_id;
DROP TABLE support_grants;
DROP TABLE operator_sessions;
DROP TABLE operators;
