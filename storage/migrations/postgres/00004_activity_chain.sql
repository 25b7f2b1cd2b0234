-- +goose Up
-- The activity log is hash-chained per account: each entry carries its
-- sequence number in the account and a hash over its content and the hash
-- of the entry before it, so that changing or deleting an entry later is
-- detectable. activity_heads holds each account's last hash; updating it
-- in the write's transaction also serializes appends per account.
ALTER TABLE activity ADD COLUMN seq BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE activity ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE activity_heads (
    account_id      BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    seq             BIGINT  NOT NULL DEFAULT 0,
    hash            TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX activity_record ON activity (account_id, record_type, record_id);

-- +goose Down
DROP INDEX activity_record;
DROP TABLE activity_heads;
ALTER TABLE activity DROP COLUMN hash;
ALTER TABLE activity DROP COLUMN seq;
