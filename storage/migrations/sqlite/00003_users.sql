-- +goose Up
-- A member can be disabled in one account without losing their history.
ALTER TABLE memberships ADD COLUMN disabled_at TIMESTAMP;

-- Roles an owner defines for their account; ready-made roles live in code.
CREATE TABLE roles (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    rights          TEXT    NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (account_id, id),
    UNIQUE (account_id, name)
);

-- Invitations to join an account, sent by e-mail; only the token's hash is kept.
CREATE TABLE invitations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email           TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    token_hash      TEXT    NOT NULL UNIQUE,
    invited_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    accepted_at     TIMESTAMP,
    UNIQUE (account_id, id)
);

-- +goose Down
DROP TABLE invitations;
DROP TABLE roles;
ALTER TABLE memberships DROP COLUMN disabled_at;
