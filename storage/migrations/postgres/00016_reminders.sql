-- +goose Up
-- Task reminders: when to remind the assignee, and when it was done, so
-- that each reminder is sent once even with several instances running.
ALTER TABLE conversations ADD COLUMN remind_at TIMESTAMPTZ;
ALTER TABLE conversations ADD COLUMN reminded_at TIMESTAMPTZ;
CREATE INDEX conversations_remind ON conversations (account_id, remind_at) WHERE reminded_at IS NULL;

-- +goose Down
DROP INDEX conversations_remind;
ALTER TABLE conversations DROP COLUMN reminded_at;
ALTER TABLE conversations DROP COLUMN remind_at;
