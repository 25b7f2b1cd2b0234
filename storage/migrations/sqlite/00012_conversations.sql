-- +goose Up
-- The timeline of exchanges with a contact: notes, calls, e-mails,
-- appointments, tasks and documents sent.
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL,
    contact_id      INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    subject         TEXT    NOT NULL DEFAULT '',
    body            TEXT    NOT NULL DEFAULT '',
    at              TIMESTAMP NOT NULL,
    duration_min    INTEGER NOT NULL DEFAULT 0,
    place           TEXT    NOT NULL DEFAULT '',
    due_at          TIMESTAMP,
    done_at         TIMESTAMP,
    assignee_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX conversations_contact ON conversations (account_id, contact_id, at);
CREATE INDEX conversations_assignee ON conversations (account_id, assignee_id, kind, at);

-- +goose Down
DROP TABLE conversations;
