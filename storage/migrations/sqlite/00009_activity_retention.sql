-- +goose Up
-- Entries older than the retention period are purged; the chain then
-- starts after the last purged entry, whose sequence and hash are kept.
ALTER TABLE activity_heads ADD COLUMN purged_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activity_heads ADD COLUMN purged_hash TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE activity_heads DROP COLUMN purged_hash;
ALTER TABLE activity_heads DROP COLUMN purged_seq;
