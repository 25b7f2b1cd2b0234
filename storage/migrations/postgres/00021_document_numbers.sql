-- +goose Up
-- Documents found by the number typed in the search box, a prefix range
-- over this index, whatever their series; byte order ("C") so that the
-- range and the sort use it whatever the database's collation.
CREATE INDEX documents_by_number ON documents (account_id, number COLLATE "C");

-- +goose Down
DROP INDEX documents_by_number;
