-- +goose Up
-- Privacy: the life cycle of a contact's data and erasure.
-- archived_at: the contact left active data for the intermediate archive
-- (seen only by those with the privacy right). erased_at: the person was
-- erased; the row stays, minimised, only while documents under a legal
-- hold point at it.
ALTER TABLE contacts ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE contacts ADD COLUMN erased_at TIMESTAMPTZ;
-- A document kept under a legal hold after its person was erased is
-- restricted: seen only by those with the privacy right.
ALTER TABLE documents ADD COLUMN restricted BOOLEAN NOT NULL DEFAULT FALSE;
-- An activity entry whose personal content was redacted by an erasure:
-- the id of the erasure's own entry, which pins the redacted entries'
-- hashes so that the chain still verifies.
ALTER TABLE activity ADD COLUMN redacted_by BIGINT;

-- +goose Down
ALTER TABLE activity DROP COLUMN redacted_by;
ALTER TABLE documents DROP COLUMN restricted;
ALTER TABLE contacts DROP COLUMN erased_at;
ALTER TABLE contacts DROP COLUMN archived_at;
