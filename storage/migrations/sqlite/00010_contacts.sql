-- +goose Up
-- Prospects, clients and suppliers. tags is stored as ",a,b," so that one
-- tag is found with LIKE '%,tag,%'; search_text holds the folded (lower
-- case, no accents) words a contact is found by; sort_key orders lists.
CREATE TABLE contacts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL,
    civility          TEXT    NOT NULL DEFAULT '',
    last_name         TEXT    NOT NULL DEFAULT '',
    first_name        TEXT    NOT NULL DEFAULT '',
    company_name      TEXT    NOT NULL DEFAULT '',
    shop_name         TEXT    NOT NULL DEFAULT '',
    email             TEXT    NOT NULL DEFAULT '',
    phone             TEXT    NOT NULL DEFAULT '',
    address_line1     TEXT    NOT NULL DEFAULT '',
    address_line2     TEXT    NOT NULL DEFAULT '',
    postal_code       TEXT    NOT NULL DEFAULT '',
    city              TEXT    NOT NULL DEFAULT '',
    country           TEXT    NOT NULL DEFAULT 'FR',
    birth_date        TEXT    NOT NULL DEFAULT '',
    siren             TEXT    NOT NULL DEFAULT '',
    siret             TEXT    NOT NULL DEFAULT '',
    vat_number        TEXT    NOT NULL DEFAULT '',
    iban              TEXT    NOT NULL DEFAULT '',
    bic               TEXT    NOT NULL DEFAULT '',
    is_prospect       BOOLEAN NOT NULL DEFAULT FALSE,
    is_client         BOOLEAN NOT NULL DEFAULT FALSE,
    is_supplier       BOOLEAN NOT NULL DEFAULT FALSE,
    tags              TEXT    NOT NULL DEFAULT ',',
    notes             TEXT    NOT NULL DEFAULT '',
    owner_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    source            TEXT    NOT NULL DEFAULT '',
    marketing_consent BOOLEAN NOT NULL DEFAULT FALSE,
    consent_at        TIMESTAMP,
    consent_proof     TEXT    NOT NULL DEFAULT '',
    sort_key          TEXT    NOT NULL,
    search_text       TEXT    NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    last_contact_at   TIMESTAMP,
    became_client_at  TIMESTAMP,
    ended_at          TIMESTAMP,
    UNIQUE (account_id, id)
);
CREATE INDEX contacts_sort ON contacts (account_id, sort_key, id);
CREATE INDEX contacts_email ON contacts (account_id, email);

-- +goose Down
DROP TABLE contacts;
