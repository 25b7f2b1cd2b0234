-- +goose Up
-- Customer-service cases; their thread is conversation entries with case_id.
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL,
    contact_id      INTEGER NOT NULL,
    subject         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    priority        TEXT    NOT NULL,
    assignee_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    opened_at       TIMESTAMP NOT NULL,
    first_answer_at TIMESTAMP,
    solved_at       TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX cases_queue ON cases (account_id, status, priority, opened_at);
ALTER TABLE conversations ADD COLUMN case_id INTEGER;

-- +goose Down
ALTER TABLE conversations DROP COLUMN case_id;
DROP TABLE cases;
