-- +goose Up
-- The catalog: products and services an account sells. Prices are in
-- minor units excluding VAT; vat_rate is in hundredths of a percent.
-- sort_key is the folded name lists are sorted by; search_text the folded
-- reference, name and barcode a search looks through (a catalog is small
-- enough for LIKE over the account's rows).
CREATE TABLE products (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reference      TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    unit           TEXT    NOT NULL DEFAULT 'piece',
    price          INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    vat_rate       INTEGER NOT NULL DEFAULT 2000,
    purchase_price INTEGER NOT NULL DEFAULT 0 CHECK (purchase_price >= 0),
    barcode        TEXT    NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    sort_key       TEXT    NOT NULL,
    search_text    TEXT    NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (account_id, id),
    UNIQUE (account_id, reference)
);
CREATE INDEX products_sort ON products (account_id, sort_key, id);
CREATE INDEX products_active_sort ON products (account_id, active, sort_key, id);
CREATE INDEX products_barcode ON products (account_id, barcode) WHERE barcode <> '';

-- +goose Down
DROP TABLE products;
