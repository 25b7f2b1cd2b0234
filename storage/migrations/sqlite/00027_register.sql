-- +goose Up
-- The register of processing activities: every save of an account's
-- register is a new version, never changed. body is the register as the
-- user saved it (JSON), base the register Comptoir generated from the
-- system when the edit started, so that later changes of the system still
-- show in the fields the user left alone.
CREATE TABLE register_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     INTEGER,
    note        TEXT    NOT NULL DEFAULT '',
    body        TEXT    NOT NULL,
    base        TEXT    NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (account_id, id)
);

-- +goose Down
DROP TABLE register_versions;
