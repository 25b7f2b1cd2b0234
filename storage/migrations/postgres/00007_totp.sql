-- +goose Up
-- Two-factor authentication by TOTP (RFC 6238) with single-use recovery
-- codes. totp_last_step refuses a code seen before (replay).
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT  NOT NULL DEFAULT 0;
CREATE TABLE recovery_codes (
    user_id         BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash       TEXT    NOT NULL,
    used_at         TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);
-- A session opened with the password only, waiting for the second factor.
ALTER TABLE sessions ADD COLUMN mfa_pending BOOLEAN NOT NULL DEFAULT FALSE;
-- The owner can require the second factor for every member.
ALTER TABLE accounts ADD COLUMN require_2fa BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE accounts DROP COLUMN require_2fa;
ALTER TABLE sessions DROP COLUMN mfa_pending;
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
