-- +goose Up
-- Where a document was last e-mailed and how the delivery went, shown on
-- its page (every attempt is also in mail_log).
ALTER TABLE documents ADD COLUMN sent_to TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN mail_status TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE documents DROP COLUMN mail_status;
ALTER TABLE documents DROP COLUMN sent_to;
