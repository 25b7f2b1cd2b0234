package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
)

// productSupplierSelect reads a product's supplier rows with what the
// supplier's display name is made of (crm.Contact.DisplayName, so that
// the name reads the same everywhere).
const productSupplierSelect = `SELECT ps.product_id, ps.contact_id, ps.reference, ps.price, ps.updated_at,
		c.kind, c.first_name, c.last_name, c.company_name
	FROM product_suppliers ps JOIN contacts c ON c.account_id = ps.account_id AND c.id = ps.contact_id`

func scanProductSupplier(row interface{ Scan(...any) error }) (catalog.Supplier, error) {
	var (
		s catalog.Supplier
		c crm.Contact
	)
	err := row.Scan(&s.ProductID, &s.ContactID, &s.Reference, &s.Price, utc(&s.UpdatedAt),
		&c.Kind, &c.FirstName, &c.LastName, &c.CompanyName)
	s.ContactName = c.DisplayName()
	return s, err
}

// SetProductSupplier records, or replaces, what a supplier of the current
// account charges for one of its products. The product and the contact
// must be the account's.
func (db *DB) SetProductSupplier(ctx context.Context, s *catalog.Supplier) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	s.UpdatedAt = db.Now(ctx)
	_, err = db.writer(ctx).ExecContext(ctx, `
		INSERT INTO product_suppliers (account_id, product_id, contact_id, reference, price, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (account_id, product_id, contact_id) DO UPDATE SET reference = excluded.reference,
			price = excluded.price, updated_at = excluded.updated_at`,
		acc, s.ProductID, s.ContactID, s.Reference, int64(s.Price), s.UpdatedAt)
	return dbErr("storage.SetProductSupplier", err)
}

// DeleteProductSupplier removes a supplier from a product of the current
// account.
func (db *DB) DeleteProductSupplier(ctx context.Context, productID, contactID int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM product_suppliers
		WHERE account_id = $1 AND product_id = $2 AND contact_id = $3`, acc, productID, contactID)
	return mustAffect("storage.DeleteProductSupplier", res, err)
}

// ProductSuppliers lists the suppliers of a product of the current
// account, by name.
func (db *DB) ProductSuppliers(ctx context.Context, productID int64) ([]catalog.Supplier, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, productSupplierSelect+`
		WHERE ps.account_id = $1 AND ps.product_id = $2 ORDER BY c.sort_key, c.id`, acc, productID)
	if err != nil {
		return nil, dbErr("storage.ProductSuppliers", err)
	}
	return collect(rows, func(r *sql.Rows) (catalog.Supplier, error) { return scanProductSupplier(r) })
}

// ProductSupplier returns what one supplier of the current account charges
// for one of its products: not found when the supplier is not recorded for
// that product.
func (db *DB) ProductSupplier(ctx context.Context, productID, contactID int64) (catalog.Supplier, error) {
	acc, err := scope(ctx)
	if err != nil {
		return catalog.Supplier{}, err
	}
	s, err := scanProductSupplier(db.reader(ctx).QueryRowContext(ctx, productSupplierSelect+`
		WHERE ps.account_id = $1 AND ps.product_id = $2 AND ps.contact_id = $3`, acc, productID, contactID))
	return s, dbErr("storage.ProductSupplier", err)
}
