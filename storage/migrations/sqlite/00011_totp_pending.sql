-- +goose Up
-- A second factor being set up waits here; the active secret stays in
-- force until the new one is confirmed.
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN totp_pending_secret;
