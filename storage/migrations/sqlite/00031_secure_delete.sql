-- +goose Up
-- Erased names must leave the contact search index too: in secure-delete
-- mode FTS5 removes a row's terms from its shadow tables at once instead
-- of leaving them behind a delete marker until the next merge.
INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO contacts_fts (contacts_fts) VALUES ('optimize');

-- +goose Down
INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('secure-delete', 0);
