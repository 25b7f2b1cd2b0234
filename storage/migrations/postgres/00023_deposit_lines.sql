-- +goose Up
-- A line of a final invoice that deducts a deposit invoice names it, so
-- that a duplicate leaves it out and a deducted deposit is not credited.
ALTER TABLE document_lines ADD COLUMN deposit_id BIGINT;

-- +goose Down
ALTER TABLE document_lines DROP COLUMN deposit_id;
