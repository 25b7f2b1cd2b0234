package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/sales"
)

const attachmentColumns = `a.id, a.document_id, a.name, a.media_type, a.size, a.checksum, a.created_by, a.created_at`

func scanAttachment(row interface{ Scan(...any) error }) (sales.Attachment, error) {
	var a sales.Attachment
	err := row.Scan(&a.ID, &a.DocumentID, &a.Name, &a.MediaType, &a.Size, &a.Checksum, &a.CreatedBy, utc(&a.CreatedAt))
	return a, err
}

// CreateAttachment records a file attached to a document of the current
// account; the file itself is already stored under its checksum.
func (db *DB) CreateAttachment(ctx context.Context, a *sales.Attachment) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	a.CreatedAt = db.Now(ctx)
	err = db.writer(ctx).QueryRowContext(ctx, `INSERT INTO attachments (account_id, document_id, name, media_type, size,
		checksum, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		acc, a.DocumentID, a.Name, a.MediaType, a.Size, a.Checksum, a.CreatedBy, a.CreatedAt).Scan(&a.ID)
	return dbErr("storage.CreateAttachment", err)
}

// Attachments lists the files attached to a document, oldest first.
func (db *DB) Attachments(ctx context.Context, documentID int64) ([]sales.Attachment, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+attachmentColumns+` FROM attachments a
		WHERE a.account_id = $1 AND a.document_id = $2 ORDER BY a.id`, acc, documentID)
	if err != nil {
		return nil, dbErr("storage.Attachments", err)
	}
	return collect(rows, func(r *sql.Rows) (sales.Attachment, error) { return scanAttachment(r) })
}

// Attachment returns one file attached to a document.
func (db *DB) Attachment(ctx context.Context, documentID, id int64) (sales.Attachment, error) {
	acc, err := scope(ctx)
	if err != nil {
		return sales.Attachment{}, err
	}
	a, err := scanAttachment(db.reader(ctx).QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM attachments a
		WHERE a.account_id = $1 AND a.document_id = $2 AND a.id = $3`, acc, documentID, id))
	return a, dbErr("storage.Attachment", err)
}

// DeleteAttachment removes a document's attachment record; the content
// stays in the store.
func (db *DB) DeleteAttachment(ctx context.Context, documentID, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM attachments WHERE account_id = $1 AND document_id = $2 AND id = $3`,
		acc, documentID, id)
	return mustAffect("storage.DeleteAttachment", res, err)
}

// ChecksumInUse reports whether an attachment of the current account still
// refers to the content with checksum.
func (db *DB) ChecksumInUse(ctx context.Context, checksum string) (bool, error) {
	acc, err := scope(ctx)
	if err != nil {
		return false, err
	}
	var n int
	err = db.writer(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE account_id = $1 AND checksum = $2`,
		acc, checksum).Scan(&n)
	return n > 0, dbErr("storage.ChecksumInUse", err)
}
