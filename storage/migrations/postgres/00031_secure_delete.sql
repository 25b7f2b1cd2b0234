-- +goose Up
-- SQLite's search index is put in secure-delete mode at this version;
-- PostgreSQL's trigram index drops a row's entries with the row (dead
-- tuples go at the next vacuum), so there is nothing to do here.
SELECT 1;

-- +goose Down
SELECT 1;
