-- +goose Up
-- Full-text search over contacts: an FTS5 index of the folded search text,
-- with the trigram tokenizer so that any part of a word matches ("lene"
-- finds "Hélène"). It is an external-content index kept by triggers, so
-- the text is stored once. phone_key holds the phone's digits, for
-- duplicate detection ("06 12…" and "+33 6 12…" are one number).
ALTER TABLE contacts ADD COLUMN phone_key TEXT NOT NULL DEFAULT '';
CREATE INDEX contacts_phone ON contacts (account_id, phone_key) WHERE phone_key <> '';
CREATE INDEX contacts_siret ON contacts (account_id, siret) WHERE siret <> '';
CREATE INDEX contacts_created ON contacts (account_id, created_at, id);
CREATE INDEX contacts_last_contact ON contacts (account_id, last_contact_at, id);

CREATE VIRTUAL TABLE contacts_fts USING fts5(search_text, content = 'contacts', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO contacts_fts (rowid, search_text) SELECT id, search_text FROM contacts;

-- +goose StatementBegin
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF search_text ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO contacts_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER contacts_fts_update;
DROP TRIGGER contacts_fts_delete;
DROP TRIGGER contacts_fts_insert;
DROP TABLE contacts_fts;
DROP INDEX contacts_last_contact;
DROP INDEX contacts_created;
DROP INDEX contacts_siret;
DROP INDEX contacts_phone;
ALTER TABLE contacts DROP COLUMN phone_key;
