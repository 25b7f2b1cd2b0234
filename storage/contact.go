package storage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/crm"
)

const contactColumns = `id, kind, civility, last_name, first_name, company_name, shop_name, email, phone,
	address_line1, address_line2, postal_code, city, country, birth_date, siren, siret, vat_number, iban, bic,
	is_prospect, is_client, is_supplier, tags, notes, COALESCE(owner_id, 0), source, marketing_consent, consent_at,
	consent_proof, created_at, updated_at, last_contact_at, became_client_at, ended_at, COALESCE(company_id, 0), archived_at, erased_at`

func scanContact(row interface{ Scan(...any) error }) (crm.Contact, error) {
	var c crm.Contact
	var tags string
	err := row.Scan(&c.ID, &c.Kind, &c.Civility, &c.LastName, &c.FirstName, &c.CompanyName, &c.ShopName, &c.Email, &c.Phone,
		&c.Address.Line1, &c.Address.Line2, &c.Address.PostalCode, &c.Address.City, &c.Address.Country, &c.BirthDate,
		&c.SIREN, &c.SIRET, &c.VATNumber, &c.IBAN, &c.BIC, &c.IsProspect, &c.IsClient, &c.IsSupplier, &tags, &c.Notes,
		&c.OwnerID, &c.Source, &c.MarketingConsent, nullUTC(&c.ConsentAt), &c.ConsentProof, utc(&c.CreatedAt), utc(&c.UpdatedAt),
		nullUTC(&c.LastContactAt), nullUTC(&c.BecameClientAt), nullUTC(&c.EndedAt), &c.CompanyID,
		nullUTC(&c.ArchivedAt), nullUTC(&c.ErasedAt))
	c.Tags = crm.ParseTags(tags)
	return c, err
}

// contactValues are the stored columns of c after id and account, in the
// order of the INSERT and UPDATE below.
func contactValues(c *crm.Contact) []any {
	var owner any
	if c.OwnerID != 0 {
		owner = c.OwnerID
	}
	return []any{c.Kind, c.Civility, c.LastName, c.FirstName, c.CompanyName, c.ShopName, c.Email, c.Phone,
		c.Address.Line1, c.Address.Line2, c.Address.PostalCode, c.Address.City, c.Address.Country, c.BirthDate,
		c.SIREN, c.SIRET, c.VATNumber, c.IBAN, c.BIC, c.IsProspect, c.IsClient, c.IsSupplier,
		"," + strings.Join(c.Tags, ",") + ",", c.Notes, owner, c.Source, c.MarketingConsent, c.ConsentAt, c.ConsentProof,
		c.SortKey(), c.SearchText(), c.UpdatedAt, c.LastContactAt, c.BecameClientAt, c.EndedAt, c.PhoneKey(), nullID(c.CompanyID)}
}

// contactValueColumns are the columns of contactValues, which an INSERT
// sets after account_id and created_at.
const contactValueColumns = `kind, civility, last_name, first_name, company_name, shop_name, email, phone,
	address_line1, address_line2, postal_code, city, country, birth_date, siren, siret, vat_number, iban, bic,
	is_prospect, is_client, is_supplier, tags, notes, owner_id, source, marketing_consent, consent_at, consent_proof,
	sort_key, search_text, updated_at, last_contact_at, became_client_at, ended_at, phone_key, company_id`

// CreateContact adds a contact to the current account.
func (db *DB) CreateContact(ctx context.Context, c *crm.Contact) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	c.CreatedAt, c.UpdatedAt = now, now
	args := append([]any{acc, now}, contactValues(c)...)
	err = db.writer(ctx).QueryRowContext(ctx, `INSERT INTO contacts (account_id, created_at, `+contactValueColumns+`)
		VALUES `+placeholders(1, len(args))+` RETURNING id`, args...).Scan(&c.ID)
	return dbErr("storage.CreateContact", err)
}

// bulkRows is how many contacts one INSERT of CreateContacts carries on
// PostgreSQL: 200 rows of 38 values stay under its limit on parameters.
const bulkRows = 200

// CreateContacts adds many contacts to the current account, for imports;
// their ids are not read back. PostgreSQL gets multi-row INSERTs, which
// save round trips; SQLite, in process, runs one prepared single-row
// INSERT, as parsing a statement with thousands of numbered parameters
// costs it more than the rows.
func (db *DB) CreateContacts(ctx context.Context, cs []crm.Contact) error {
	const op = "storage.CreateContacts"
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	values := func(c *crm.Contact) []any {
		c.CreatedAt, c.UpdatedAt = now, now
		return append([]any{acc, now}, contactValues(c)...)
	}
	cols := 2 + len(contactValues(&crm.Contact{}))
	if db.engine == SQLite {
		stmt, err := db.writer(ctx).PrepareContext(ctx, `INSERT INTO contacts (account_id, created_at, `+contactValueColumns+`)
			VALUES `+placeholders(1, cols))
		if err != nil {
			return dbErr(op, err)
		}
		defer func() { _ = stmt.Close() }()
		for i := range cs {
			if _, err := stmt.ExecContext(ctx, values(&cs[i])...); err != nil {
				return dbErr(op, err)
			}
		}
		return nil
	}
	for len(cs) > 0 {
		batch := cs[:min(bulkRows, len(cs))]
		cs = cs[len(batch):]
		args := make([]any, 0, len(batch)*cols)
		for i := range batch {
			args = append(args, values(&batch[i])...)
		}
		_, err := db.writer(ctx).ExecContext(ctx, `INSERT INTO contacts (account_id, created_at, `+contactValueColumns+`)
			VALUES `+placeholders(len(batch), cols), args...)
		if err != nil {
			return dbErr(op, err)
		}
	}
	return nil
}

// placeholders returns "($1, $2), ($3, $4)" for rows rows of cols values.
func placeholders(rows, cols int) string {
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(r*cols + c + 1))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Contact returns one contact of the current account.
func (db *DB) Contact(ctx context.Context, id int64) (crm.Contact, error) {
	acc, err := scope(ctx)
	if err != nil {
		return crm.Contact{}, err
	}
	c, err := scanContact(db.reader(ctx).QueryRowContext(ctx,
		`SELECT `+contactColumns+` FROM contacts WHERE account_id = $1 AND id = $2`, acc, id))
	return c, dbErr("storage.Contact", err)
}

// UpdateContact saves a contact of the current account.
func (db *DB) UpdateContact(ctx context.Context, c *crm.Contact) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	c.UpdatedAt = db.Now(ctx)
	args := append([]any{acc, c.ID}, contactValues(c)...)
	res, err := db.writer(ctx).ExecContext(ctx, `
		UPDATE contacts SET kind = $3, civility = $4, last_name = $5, first_name = $6, company_name = $7, shop_name = $8,
			email = $9, phone = $10, address_line1 = $11, address_line2 = $12, postal_code = $13, city = $14, country = $15,
			birth_date = $16, siren = $17, siret = $18, vat_number = $19, iban = $20, bic = $21, is_prospect = $22,
			is_client = $23, is_supplier = $24, tags = $25, notes = $26, owner_id = $27, source = $28,
			marketing_consent = $29, consent_at = $30, consent_proof = $31, sort_key = $32, search_text = $33,
			updated_at = $34, last_contact_at = $35, became_client_at = $36, ended_at = $37, phone_key = $38, company_id = $39
		WHERE account_id = $1 AND id = $2`, args...)
	return mustAffect("storage.UpdateContact", res, err)
}

// DeleteContact removes a contact of the current account; the people
// attached to it stay, detached.
func (db *DB) DeleteContact(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	if _, err := db.MovePeople(ctx, id, 0); err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM contacts WHERE account_id = $1 AND id = $2`, acc, id)
	return mustAffect("storage.DeleteContact", res, err)
}

// ContactKeys returns which of the given duplicate keys (crm.DuplicateKeys:
// "email:…", "siret:…", "phone:…") a contact of the current account
// already has. Imports ask once per batch of rows.
func (db *DB) ContactKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	byColumn := map[string][]any{}
	for _, k := range keys {
		kind, v, _ := strings.Cut(k, ":")
		byColumn[kind] = append(byColumn[kind], v)
	}
	var w conds
	w.add("account_id = ?", acc)
	var ors []string
	for _, kc := range [][2]string{{"email", "email"}, {"siret", "siret"}, {"phone", "phone_key"}} {
		if vs := byColumn[kc[0]]; len(vs) > 0 {
			ors = append(ors, "("+kc[1]+" <> '' AND "+w.in(kc[1], vs)+")")
		}
	}
	if len(ors) == 0 {
		return found, nil
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT email, siret, phone_key FROM contacts
		WHERE account_id = $1 AND (`+strings.Join(ors, " OR ")+`)`, w.args...)
	if err != nil {
		return nil, dbErr("storage.ContactKeys", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var email, siret, phone string
		if err := rows.Scan(&email, &siret, &phone); err != nil {
			return nil, dbErr("storage.ContactKeys", err)
		}
		for _, k := range crm.DuplicateKeys(email, siret, phone) {
			found[k] = true
		}
	}
	return found, dbErr("storage.ContactKeys", rows.Err())
}

// MoveContactRecords moves a contact's conversations, cases, extra
// addresses, sales and supplied products to another contact of the current
// account (before merging the first into the second). A moved address
// stops being the default of its kind when the other contact has one; a
// product both supply keeps the other contact's reference and price.
func (db *DB) MoveContactRecords(ctx context.Context, fromID, toID int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	for _, q := range []string{
		`UPDATE conversations SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2`,
		`UPDATE cases SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2`,
		`UPDATE contact_addresses SET is_default = FALSE WHERE account_id = $1 AND contact_id = $2 AND is_default
			AND kind IN (SELECT kind FROM contact_addresses WHERE account_id = $1 AND contact_id = $3 AND is_default)`,
		`UPDATE contact_addresses SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2`,
		// Sales documents follow their client; an issued one keeps the
		// buyer it printed.
		`UPDATE documents SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2`,
		`UPDATE payments SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2`,
		`DELETE FROM product_suppliers WHERE account_id = $1 AND contact_id = $2
			AND product_id IN (SELECT product_id FROM product_suppliers WHERE account_id = $1 AND contact_id = $3)`,
		`UPDATE product_suppliers SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2`,
	} {
		if _, err := db.writer(ctx).ExecContext(ctx, q, acc, fromID, toID); err != nil {
			return dbErr("storage.MoveContactRecords", err)
		}
	}
	return nil
}

// MovePeople attaches the people of one company of the current account to
// another, or detaches them when toID is 0, and returns how many it moved.
func (db *DB) MovePeople(ctx context.Context, fromID, toID int64) (int64, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE contacts SET company_id = $3 WHERE account_id = $1 AND company_id = $2`,
		acc, fromID, nullID(toID))
	if err != nil {
		return 0, dbErr("storage.MovePeople", err)
	}
	return res.RowsAffected()
}

// TouchContact records business with a contact of the current account now
// (a document issued, a payment): their last contact moves to now, and a
// relationship that had ended, or gone to the intermediate archive,
// resumes. An erased person stays erased.
func (db *DB) TouchContact(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	_, err = db.writer(ctx).ExecContext(ctx, `UPDATE contacts SET ended_at = NULL, archived_at = NULL,
		last_contact_at = CASE WHEN last_contact_at IS NULL OR last_contact_at < $3 THEN $3 ELSE last_contact_at END
		WHERE account_id = $1 AND id = $2 AND erased_at IS NULL`, acc, id, now)
	return dbErr("storage.TouchContact", err)
}

// EndInactiveContacts sets the end of relationship of the current
// account's contacts without any contact since before cutoff, and returns
// how many it ended.
func (db *DB) EndInactiveContacts(ctx context.Context, cutoff time.Time) (int64, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE contacts SET ended_at = $3
		WHERE account_id = $1 AND ended_at IS NULL AND COALESCE(last_contact_at, created_at) < $2`, acc, cutoff.UTC(), db.Now(ctx))
	if err != nil {
		return 0, dbErr("storage.EndInactiveContacts", err)
	}
	return res.RowsAffected()
}

// RefreshContactStats has the engine's planner count the contacts again
// after a large import: until then PostgreSQL plans as if the table were
// still as small as before, and a list or an export of the new rows took
// ten times longer. SQLite runs its own light-weight equivalent.
func (db *DB) RefreshContactStats(ctx context.Context) error {
	q := `ANALYZE contacts`
	if db.engine == SQLite {
		q = `PRAGMA optimize`
	}
	_, err := db.write.ExecContext(ctx, q)
	return dbErr("storage.RefreshContactStats", err)
}

// ContactHasSales reports whether a contact of the current account has
// sales documents or payments, which are kept for the legal retention
// period and so keep their client.
func (db *DB) ContactHasSales(ctx context.Context, id int64) (bool, error) {
	acc, err := scope(ctx)
	if err != nil {
		return false, err
	}
	var has bool
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE account_id = $1 AND contact_id = $2)
		OR EXISTS (SELECT 1 FROM payments WHERE account_id = $1 AND contact_id = $2)`, acc, id).Scan(&has)
	return has, dbErr("storage.ContactHasSales", err)
}
