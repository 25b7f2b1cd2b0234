-- +goose Up
-- Extra addresses of a contact (billing, delivery, other), beside its main
-- one, with at most one default per kind.
CREATE TABLE contact_addresses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    label       TEXT    NOT NULL DEFAULT '',
    line1       TEXT    NOT NULL DEFAULT '',
    line2       TEXT    NOT NULL DEFAULT '',
    postal_code TEXT    NOT NULL DEFAULT '',
    city        TEXT    NOT NULL DEFAULT '',
    country     TEXT    NOT NULL DEFAULT 'FR',
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_addresses_contact ON contact_addresses (account_id, contact_id, kind);
CREATE UNIQUE INDEX contact_addresses_default ON contact_addresses (account_id, contact_id, kind) WHERE is_default;

-- The company a person works for. SQLite cannot add a two-column foreign
-- key to an existing table: the service checks the account, storage
-- detaches people before their company is deleted.
ALTER TABLE contacts ADD COLUMN company_id INTEGER REFERENCES contacts (id);
CREATE INDEX contacts_company ON contacts (account_id, company_id);

-- +goose Down
DROP INDEX contacts_company;
ALTER TABLE contacts DROP COLUMN company_id;
DROP TABLE contact_addresses;
