-- +goose Up
-- Saved views of the contact list: a member's named filters, stored as the
-- list's canonical query string. They belong to the membership: a member
-- removed from the account loses theirs.
CREATE TABLE contact_views (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    query       TEXT    NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (account_id, id),
    UNIQUE (account_id, user_id, name),
    FOREIGN KEY (account_id, user_id) REFERENCES memberships (account_id, user_id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE contact_views;
