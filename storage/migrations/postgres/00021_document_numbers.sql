-- +goose Up
-- Documents found by the number typed in the search box, a prefix range
-- over this index, whatever their series.
CREATE INDEX documents_by_number ON documents (account_id, number text_pattern_ops);

-- +goose Down
DROP INDEX documents_by_number;
