-- +goose Up
-- A token acts with its user's rights; "read" tokens may only read.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN scope;
