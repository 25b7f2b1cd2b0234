-- +goose Up
-- Sales documents (quotes, orders, delivery notes, invoices, deposit
-- invoices, credit notes), their lines, gapless number series, payments and
-- their allocation to invoices, unpaid-invoice reminders, and each
-- account's sales settings. Documents are never deleted with their client:
-- invoices are kept ten years.
CREATE TABLE sales_settings (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    data       TEXT      NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE documents (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    series           TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    number           TEXT    NOT NULL DEFAULT '',
    contact_id       INTEGER NOT NULL,
    buyer            TEXT    NOT NULL,
    delivery_address TEXT,
    origin_id        INTEGER,
    title            TEXT    NOT NULL DEFAULT '',
    issue_date       TEXT    NOT NULL DEFAULT '',
    delivery_date    TEXT    NOT NULL DEFAULT '',
    due_date         TEXT    NOT NULL DEFAULT '',
    valid_until      TEXT    NOT NULL DEFAULT '',
    payment_terms    TEXT    NOT NULL DEFAULT '',
    discount         INTEGER NOT NULL DEFAULT 0,
    exemption        TEXT    NOT NULL DEFAULT '',
    operation        TEXT    NOT NULL DEFAULT '',
    vat_on_debits    BOOLEAN NOT NULL DEFAULT FALSE,
    notes            TEXT    NOT NULL DEFAULT '',
    locale           TEXT    NOT NULL,
    currency         TEXT    NOT NULL,
    net_total        INTEGER NOT NULL DEFAULT 0,
    vat_total        INTEGER NOT NULL DEFAULT 0,
    gross_total      INTEGER NOT NULL DEFAULT 0,
    paid             INTEGER NOT NULL DEFAULT 0,
    credited         INTEGER NOT NULL DEFAULT 0,
    dunning_paused   BOOLEAN NOT NULL DEFAULT FALSE,
    dunning_level    INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER NOT NULL DEFAULT 0,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    issued_at        TIMESTAMP,
    sent_at          TIMESTAMP,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
);
CREATE UNIQUE INDEX documents_number ON documents (account_id, series, number) WHERE number <> '';
CREATE INDEX documents_list ON documents (account_id, kind, id);
CREATE INDEX documents_contact ON documents (account_id, contact_id, id);
CREATE INDEX documents_origin ON documents (account_id, origin_id) WHERE origin_id IS NOT NULL;
CREATE INDEX documents_unpaid ON documents (account_id, due_date) WHERE status IN ('issued', 'partially_paid');
CREATE TABLE document_lines (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id     INTEGER NOT NULL,
    document_id    INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    kind           TEXT    NOT NULL,
    product_id     INTEGER,
    reference      TEXT    NOT NULL DEFAULT '',
    description    TEXT    NOT NULL DEFAULT '',
    quantity       INTEGER NOT NULL DEFAULT 0,
    unit           TEXT    NOT NULL DEFAULT '',
    unit_price     INTEGER NOT NULL DEFAULT 0,
    discount       INTEGER NOT NULL DEFAULT 0,
    vat_rate       INTEGER NOT NULL DEFAULT 0,
    origin_line_id INTEGER,
    net            INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (account_id, document_id) REFERENCES documents (account_id, id) ON DELETE CASCADE
);
CREATE INDEX document_lines_document ON document_lines (account_id, document_id, position);
CREATE TABLE number_series (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    series     TEXT    NOT NULL,
    period     TEXT    NOT NULL,
    next       INTEGER NOT NULL,
    PRIMARY KEY (account_id, series, period)
);
CREATE TABLE payments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    date       TEXT    NOT NULL,
    amount     INTEGER NOT NULL,
    method     TEXT    NOT NULL,
    reference  TEXT    NOT NULL DEFAULT '',
    note       TEXT    NOT NULL DEFAULT '',
    allocated  INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id)
);
CREATE INDEX payments_contact ON payments (account_id, contact_id, date);
CREATE TABLE payment_allocations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL,
    payment_id  INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    FOREIGN KEY (account_id, payment_id) REFERENCES payments (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, document_id) REFERENCES documents (account_id, id)
);
CREATE INDEX payment_allocations_document ON payment_allocations (account_id, document_id);
CREATE INDEX payment_allocations_payment ON payment_allocations (account_id, payment_id);
CREATE TABLE dunning_reminders (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    level       INTEGER NOT NULL,
    channel     TEXT    NOT NULL,
    tone        TEXT    NOT NULL,
    balance     INTEGER NOT NULL,
    penalties   INTEGER NOT NULL DEFAULT 0,
    indemnity   INTEGER NOT NULL DEFAULT 0,
    sent_at     TIMESTAMP NOT NULL,
    sent_by     INTEGER NOT NULL DEFAULT 0,
    mail_status TEXT    NOT NULL DEFAULT '',
    UNIQUE (account_id, document_id, level),
    FOREIGN KEY (account_id, document_id) REFERENCES documents (account_id, id)
);
ALTER TABLE contacts ADD COLUMN dunning_paused BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN document_id INTEGER;

-- +goose Down
ALTER TABLE conversations DROP COLUMN document_id;
ALTER TABLE contacts DROP COLUMN dunning_paused;
DROP TABLE dunning_reminders;
DROP TABLE payment_allocations;
DROP TABLE payments;
DROP TABLE number_series;
DROP TABLE document_lines;
DROP TABLE documents;
DROP TABLE sales_settings;
