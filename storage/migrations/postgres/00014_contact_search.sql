-- +goose Up
-- Full-text search over contacts: a trigram index (pg_trgm) of the folded
-- search text, so that LIKE '%lene%' finds "Hélène" through the index.
-- pg_trgm is a trusted extension: the database owner may create it. It
-- goes to the public schema so that every schema of the database shares it.
-- phone_key holds the phone's digits, for duplicate detection.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
ALTER TABLE contacts ADD COLUMN phone_key TEXT NOT NULL DEFAULT '';
CREATE INDEX contacts_phone ON contacts (account_id, phone_key) WHERE phone_key <> '';
CREATE INDEX contacts_siret ON contacts (account_id, siret) WHERE siret <> '';
CREATE INDEX contacts_created ON contacts (account_id, created_at, id);
CREATE INDEX contacts_last_contact ON contacts (account_id, last_contact_at, id);
CREATE INDEX contacts_search ON contacts USING gin (search_text public.gin_trgm_ops);

-- +goose Down
DROP INDEX contacts_search;
DROP INDEX contacts_last_contact;
DROP INDEX contacts_created;
DROP INDEX contacts_siret;
DROP INDEX contacts_phone;
ALTER TABLE contacts DROP COLUMN phone_key;
