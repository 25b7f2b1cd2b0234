-- +goose Up
-- Every e-mail Comptoir tries to send; account_id 0 marks instance mail
-- (password reset codes, which belong to a person, not a business).
CREATE TABLE mail_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL DEFAULT 0,
    at              TIMESTAMP NOT NULL,
    to_address      TEXT    NOT NULL,
    template        TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    error           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX mail_log_account_at ON mail_log (account_id, at);

-- Password reset by a security code sent by e-mail. Only hashes are kept:
-- of the code, and of the random value in the browser that asked for it,
-- so that a code works only in that browser.
CREATE TABLE password_resets (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    request_hash    TEXT    NOT NULL UNIQUE,
    code_hash       TEXT    NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    used_at         TIMESTAMP,
    ip              TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);

-- Consecutive failed logins per e-mail address, shared by every instance,
-- for the growing delay between attempts.
CREATE TABLE login_failures (
    identifier      TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE password_resets;
DROP TABLE mail_log;
