package storage

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/comptoir/comptoir/privacy"
)

// CreateRegisterVersion saves a new version of the current account's
// register of processing activities.
func (db *DB) CreateRegisterVersion(ctx context.Context, v *privacy.Version) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	body, err := json.Marshal(v.Register)
	if err != nil {
		return dbErr("storage.CreateRegisterVersion", err)
	}
	base, err := json.Marshal(v.Base)
	if err != nil {
		return dbErr("storage.CreateRegisterVersion", err)
	}
	v.CreatedAt = db.Now(ctx)
	var user any
	if v.UserID != 0 {
		user = v.UserID
	}
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO register_versions (account_id, user_id, note, body, base, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		acc, user, v.Note, string(body), string(base), v.CreatedAt).Scan(&v.ID)
	return dbErr("storage.CreateRegisterVersion", err)
}

const registerVersionColumns = `v.id, COALESCE(v.user_id, 0), COALESCE(u.email, ''), v.note, v.created_at`

func scanRegisterVersion(row interface{ Scan(...any) error }, withBody bool) (privacy.Version, error) {
	var v privacy.Version
	dest := []any{&v.ID, &v.UserID, &v.Author, &v.Note, utc(&v.CreatedAt)}
	var body, base string
	if withBody {
		dest = append(dest, &body, &base)
	}
	if err := row.Scan(dest...); err != nil {
		return v, err
	}
	if withBody {
		v.Register, v.Base = &privacy.Register{}, &privacy.Register{}
		if err := json.Unmarshal([]byte(body), v.Register); err != nil {
			return v, err
		}
		if err := json.Unmarshal([]byte(base), v.Base); err != nil {
			return v, err
		}
	}
	return v, nil
}

// RegisterVersion returns one version of the current account's register
// with its content; id 0 means the latest. An account that never saved
// its register has no version: not found.
func (db *DB) RegisterVersion(ctx context.Context, id int64) (privacy.Version, error) {
	acc, err := scope(ctx)
	if err != nil {
		return privacy.Version{}, err
	}
	q := `SELECT ` + registerVersionColumns + `, v.body, v.base FROM register_versions v
		LEFT JOIN users u ON u.id = v.user_id
		WHERE v.account_id = $1 AND (v.id = $2 OR $2 = 0) ORDER BY v.id DESC LIMIT 1`
	v, err := scanRegisterVersion(db.reader(ctx).QueryRowContext(ctx, q, acc, id), true)
	return v, dbErr("storage.RegisterVersion", err)
}

// ListRegisterVersions lists the current account's register versions,
// newest first, without their content.
func (db *DB) ListRegisterVersions(ctx context.Context, limit int) ([]privacy.Version, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+registerVersionColumns+` FROM register_versions v
		LEFT JOIN users u ON u.id = v.user_id
		WHERE v.account_id = $1 ORDER BY v.id DESC LIMIT $2`, acc, limit)
	if err != nil {
		return nil, dbErr("storage.ListRegisterVersions", err)
	}
	return collect(rows, func(r *sql.Rows) (privacy.Version, error) { return scanRegisterVersion(r, false) })
}

// RegisterUsage counts, in the current account, what tells which modules
// are in use: contacts by role, documents by kind, cases.
type RegisterUsage struct {
	Clients, Prospects, Suppliers   int64
	Sales, Purchases, Deliveries    int64
	Cases, Conversations, Documents int64
}

// RegisterUsage counts the current account's records per module.
func (db *DB) RegisterUsage(ctx context.Context) (RegisterUsage, error) {
	acc, err := scope(ctx)
	if err != nil {
		return RegisterUsage{}, err
	}
	var u RegisterUsage
	err = db.reader(ctx).QueryRowContext(ctx, `
		SELECT
			(SELECT COUNT(*) FROM contacts WHERE account_id = $1 AND is_client AND erased_at IS NULL),
			(SELECT COUNT(*) FROM contacts WHERE account_id = $1 AND is_prospect AND erased_at IS NULL),
			(SELECT COUNT(*) FROM contacts WHERE account_id = $1 AND is_supplier AND erased_at IS NULL),
			(SELECT COUNT(*) FROM documents WHERE account_id = $1 AND kind IN ('quote', 'order', 'invoice', 'deposit', 'credit')),
			(SELECT COUNT(*) FROM documents WHERE account_id = $1 AND kind IN ('supplier_quote', 'purchase_order', 'receipt', 'bill')),
			(SELECT COUNT(*) FROM documents WHERE account_id = $1 AND kind = 'delivery'),
			(SELECT COUNT(*) FROM cases WHERE account_id = $1),
			(SELECT COUNT(*) FROM conversations WHERE account_id = $1),
			(SELECT COUNT(*) FROM documents WHERE account_id = $1)`, acc).
		Scan(&u.Clients, &u.Prospects, &u.Suppliers, &u.Sales, &u.Purchases, &u.Deliveries, &u.Cases, &u.Conversations, &u.Documents)
	return u, dbErr("storage.RegisterUsage", err)
}
