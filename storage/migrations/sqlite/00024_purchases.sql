-- +goose Up
-- Purchases are documents of their own kinds (supplier quotes, purchase
-- orders, receipts, bills) in the same tables as sales. A supplier's quote
-- or bill keeps the supplier's own number; payments go in (from clients)
-- or out (to suppliers); files attached to a document are kept outside the
-- database, named here by their SHA-256.
ALTER TABLE documents ADD COLUMN supplier_number TEXT NOT NULL DEFAULT '';
CREATE INDEX documents_supplier_number ON documents (account_id, supplier_number) WHERE supplier_number <> '';
ALTER TABLE payments ADD COLUMN direction TEXT NOT NULL DEFAULT 'in';
CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    media_type  TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    checksum    TEXT    NOT NULL,
    created_by  INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, document_id) REFERENCES documents (account_id, id) ON DELETE CASCADE
);
CREATE INDEX attachments_document ON attachments (account_id, document_id, id);

-- +goose Down
DROP TABLE attachments;
ALTER TABLE payments DROP COLUMN direction;
DROP INDEX documents_supplier_number;
ALTER TABLE documents DROP COLUMN supplier_number;
