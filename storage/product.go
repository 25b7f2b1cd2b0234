package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/measure"
)

const productColumns = `id, reference, name, description, unit, price, vat_rate, purchase_price, barcode, active,
	created_at, updated_at`

func scanProduct(row interface{ Scan(...any) error }) (catalog.Product, error) {
	var p catalog.Product
	err := row.Scan(&p.ID, &p.Reference, &p.Name, &p.Description, &p.Unit, &p.Price, &p.VATRate, &p.PurchasePrice,
		&p.Barcode, &p.Active, utc(&p.CreatedAt), utc(&p.UpdatedAt))
	p.SoldByWeight = measure.ByWeight(p.Unit)
	return p, err
}

// productValues are the stored columns of p after account_id and
// created_at, in the order of productValueColumns.
func productValues(p *catalog.Product) []any {
	return []any{p.Reference, p.Name, p.Description, p.Unit, int64(p.Price), int64(p.VATRate), int64(p.PurchasePrice),
		p.Barcode, p.Active, p.SortKey(), p.SearchText(), p.UpdatedAt}
}

const productValueColumns = `reference, name, description, unit, price, vat_rate, purchase_price, barcode, active,
	sort_key, search_text, updated_at`

// CreateProduct adds a product to the current account's catalog. A
// reference the account already uses is a conflict.
func (db *DB) CreateProduct(ctx context.Context, p *catalog.Product) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	p.CreatedAt, p.UpdatedAt = now, now
	args := append([]any{acc, now}, productValues(p)...)
	err = db.writer(ctx).QueryRowContext(ctx, `INSERT INTO products (account_id, created_at, `+productValueColumns+`)
		VALUES `+placeholders(1, len(args))+` RETURNING id`, args...).Scan(&p.ID)
	return dbErr("storage.CreateProduct", err)
}

// Product returns one product of the current account.
func (db *DB) Product(ctx context.Context, id int64) (catalog.Product, error) {
	acc, err := scope(ctx)
	if err != nil {
		return catalog.Product{}, err
	}
	p, err := scanProduct(db.reader(ctx).QueryRowContext(ctx,
		`SELECT `+productColumns+` FROM products WHERE account_id = $1 AND id = $2`, acc, id))
	return p, dbErr("storage.Product", err)
}

// ProductByReference returns the current account's product with that
// reference.
func (db *DB) ProductByReference(ctx context.Context, reference string) (catalog.Product, error) {
	acc, err := scope(ctx)
	if err != nil {
		return catalog.Product{}, err
	}
	p, err := scanProduct(db.reader(ctx).QueryRowContext(ctx,
		`SELECT `+productColumns+` FROM products WHERE account_id = $1 AND reference = $2`, acc, reference))
	return p, dbErr("storage.ProductByReference", err)
}

// ProductsByReference returns the current account's products among the
// given references, by reference. Imports ask once per batch of rows.
func (db *DB) ProductsByReference(ctx context.Context, references []string) (map[string]catalog.Product, error) {
	const op = "storage.ProductsByReference"
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	found := map[string]catalog.Product{}
	if len(references) == 0 {
		return found, nil
	}
	var w conds
	w.add("account_id = ?", acc)
	refs := make([]any, len(references))
	for i, r := range references {
		refs[i] = r
	}
	w.parts = append(w.parts, w.in("reference", refs))
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+productColumns+` FROM products WHERE `+w.String(), w.args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	list, err := collect(rows, func(r *sql.Rows) (catalog.Product, error) { return scanProduct(r) })
	for _, p := range list {
		found[p.Reference] = p
	}
	return found, err
}

// UpdateProduct saves a product of the current account.
func (db *DB) UpdateProduct(ctx context.Context, p *catalog.Product) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	p.UpdatedAt = db.Now(ctx)
	args := append([]any{acc, p.ID}, productValues(p)...)
	res, err := db.writer(ctx).ExecContext(ctx, `
		UPDATE products SET reference = $3, name = $4, description = $5, unit = $6, price = $7, vat_rate = $8,
			purchase_price = $9, barcode = $10, active = $11, sort_key = $12, search_text = $13, updated_at = $14
		WHERE account_id = $1 AND id = $2`, args...)
	return mustAffect("storage.UpdateProduct", res, err)
}

// DeleteProduct removes a product of the current account.
func (db *DB) DeleteProduct(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM products WHERE account_id = $1 AND id = $2`, acc, id)
	return mustAffect("storage.DeleteProduct", res, err)
}

// UpsertProducts writes products of an import to the current account:
// a product whose reference the account has is updated in place (its id
// and creation date kept), any other is created. Ids are not read back.
func (db *DB) UpsertProducts(ctx context.Context, ps []catalog.Product) error {
	const op = "storage.UpsertProducts"
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return nil
	}
	now := db.Now(ctx)
	cols := 2 + len(productValues(&catalog.Product{}))
	stmt, err := db.writer(ctx).PrepareContext(ctx, `INSERT INTO products (account_id, created_at, `+productValueColumns+`)
		VALUES `+placeholders(1, cols)+`
		ON CONFLICT (account_id, reference) DO UPDATE SET name = excluded.name, description = excluded.description,
			unit = excluded.unit, price = excluded.price, vat_rate = excluded.vat_rate, purchase_price = excluded.purchase_price,
			barcode = excluded.barcode, active = excluded.active, sort_key = excluded.sort_key,
			search_text = excluded.search_text, updated_at = excluded.updated_at`)
	if err != nil {
		return dbErr(op, err)
	}
	defer func() { _ = stmt.Close() }()
	for i := range ps {
		p := &ps[i]
		if p.ID == 0 {
			p.CreatedAt = now
		}
		p.UpdatedAt = now
		if _, err := stmt.ExecContext(ctx, append([]any{acc, p.CreatedAt}, productValues(p)...)...); err != nil {
			return dbErr(op, err)
		}
	}
	return nil
}

// ListProducts returns the current account's products matching f, by
// name, after the keyset (AfterKey, AfterID). Every word of the query
// must appear in the product's folded reference, name or barcode.
func (db *DB) ListProducts(ctx context.Context, f catalog.Filter) ([]catalog.Product, error) {
	const op = "storage.ListProducts"
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var w conds
	w.add("account_id = ?", acc)
	if f.Active != nil {
		w.add("active = ?", *f.Active)
	}
	for _, word := range strings.Fields(catalog.SearchKey(f.Query)) {
		w.add(`search_text LIKE ? ESCAPE '\'`, "%"+escapeLike(word)+"%")
	}
	if f.AfterID != 0 {
		w.add("(sort_key, id) > (?, ?)", f.AfterKey, f.AfterID)
	}
	w.args = append(w.args, f.Limit)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+productColumns+` FROM products WHERE `+w.String()+
		` ORDER BY sort_key, id LIMIT $`+strconv.Itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	return collect(rows, func(r *sql.Rows) (catalog.Product, error) { return scanProduct(r) })
}
