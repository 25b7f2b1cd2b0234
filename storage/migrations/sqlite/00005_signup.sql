-- +goose Up
-- An address is verified by a code sent to it; users created by the
-- operator or through an invitation (which reached the address) start verified.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
UPDATE users SET email_verified_at = created_at;

CREATE TABLE email_verifications (
    user_id         INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    code_hash       TEXT    NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE email_verifications;
ALTER TABLE users DROP COLUMN email_verified_at;
