-- +goose Up
-- The suppliers a product is bought from, each with its own reference for
-- the product and the unit price it charges, excluding VAT, in minor
-- units. A row goes with its product and with its supplier: it describes
-- both and means nothing without either.
CREATE TABLE product_suppliers (
    account_id BIGINT  NOT NULL,
    product_id BIGINT  NOT NULL,
    contact_id BIGINT  NOT NULL,
    reference  TEXT    NOT NULL DEFAULT '',
    price      BIGINT  NOT NULL DEFAULT 0 CHECK (price >= 0),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, product_id, contact_id),
    FOREIGN KEY (account_id, product_id) REFERENCES products (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX product_suppliers_contact ON product_suppliers (account_id, contact_id);

-- +goose Down
DROP TABLE product_suppliers;
