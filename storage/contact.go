package storage

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/crm"
)

const contactColumns = `id, kind, civility, last_name, first_name, company_name, shop_name, email, phone,
	address_line1, address_line2, postal_code, city, country, birth_date, siren, siret, vat_number, iban, bic,
	is_prospect, is_client, is_supplier, tags, notes, COALESCE(owner_id, 0), source, marketing_consent, consent_at,
	consent_proof, created_at, updated_at, last_contact_at, became_client_at, ended_at, COALESCE(company_id, 0)`

func scanContact(row interface{ Scan(...any) error }) (crm.Contact, error) {
	var c crm.Contact
	var tags string
	err := row.Scan(&c.ID, &c.Kind, &c.Civility, &c.LastName, &c.FirstName, &c.CompanyName, &c.ShopName, &c.Email, &c.Phone,
		&c.Address.Line1, &c.Address.Line2, &c.Address.PostalCode, &c.Address.City, &c.Address.Country, &c.BirthDate,
		&c.SIREN, &c.SIRET, &c.VATNumber, &c.IBAN, &c.BIC, &c.IsProspect, &c.IsClient, &c.IsSupplier, &tags, &c.Notes,
		&c.OwnerID, &c.Source, &c.MarketingConsent, nullUTC(&c.ConsentAt), &c.ConsentProof, utc(&c.CreatedAt), utc(&c.UpdatedAt),
		nullUTC(&c.LastContactAt), nullUTC(&c.BecameClientAt), nullUTC(&c.EndedAt), &c.CompanyID)
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
		c.SortKey(), c.SearchText(), c.UpdatedAt, c.LastContactAt, c.BecameClientAt, c.EndedAt, nullID(c.CompanyID)}
}

// CreateContact adds a contact to the current account.
func (db *DB) CreateContact(ctx context.Context, c *crm.Contact) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	c.CreatedAt, c.UpdatedAt = now, now
	args := append([]any{acc, now}, contactValues(c)...)
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO contacts (account_id, created_at, kind, civility, last_name, first_name, company_name, shop_name, email, phone,
			address_line1, address_line2, postal_code, city, country, birth_date, siren, siret, vat_number, iban, bic,
			is_prospect, is_client, is_supplier, tags, notes, owner_id, source, marketing_consent, consent_at, consent_proof,
			sort_key, search_text, updated_at, last_contact_at, became_client_at, ended_at, company_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
			$25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38)
		RETURNING id`, args...).Scan(&c.ID)
	return dbErr("storage.CreateContact", err)
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
			updated_at = $34, last_contact_at = $35, became_client_at = $36, ended_at = $37, company_id = $38
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

// ListContacts returns the current account's contacts matching f, by name,
// after the keyset (AfterKey, AfterID). Every word of the query must
// appear in the contact's folded search text.
func (db *DB) ListContacts(ctx context.Context, f crm.Filter) ([]crm.Contact, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	where := []string{"account_id = $1"}
	args := []any{acc}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	for _, w := range strings.Fields(crm.SearchKey(f.Query)) {
		add("search_text LIKE ? ESCAPE '\\'", "%"+escapeLike(w)+"%")
	}
	switch f.Role {
	case "prospect":
		where = append(where, "is_prospect")
	case "client":
		where = append(where, "is_client")
	case "supplier":
		where = append(where, "is_supplier")
	}
	if f.Tag != "" {
		add("tags LIKE ? ESCAPE '\\'", "%,"+escapeLike(strings.ToLower(f.Tag))+",%")
	}
	if f.OwnerID != 0 {
		add("owner_id = ?", f.OwnerID)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.CompanyID != 0 {
		add("company_id = ?", f.CompanyID)
	}
	if f.AfterID != 0 {
		args = append(args, f.AfterKey, f.AfterID)
		n := len(args)
		where = append(where, "(sort_key > $"+strconv.Itoa(n-1)+" OR (sort_key = $"+strconv.Itoa(n-1)+" AND id > $"+strconv.Itoa(n)+"))")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	args = append(args, f.Limit)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE `+
		strings.Join(where, " AND ")+` ORDER BY sort_key, id LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, dbErr("storage.ListContacts", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Contact, error) { return scanContact(r) })
}

// escapeLike makes a user's text match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ContactDuplicate returns the id of a contact of the current account with
// the same e-mail or SIRET, 0 if there is none.
func (db *DB) ContactDuplicate(ctx context.Context, email, siret string) (int64, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	if email == "" && siret == "" {
		return 0, nil
	}
	var id int64
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT id FROM contacts WHERE account_id = $1
		AND ((email <> '' AND email = $2) OR (siret <> '' AND siret = $3)) LIMIT 1`, acc, email, siret).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, dbErr("storage.ContactDuplicate", err)
}

// MoveContactRecords moves a contact's conversations, cases and extra
// addresses to another contact of the current account (before merging the
// first into the second). A moved address stops being the default of its
// kind when the other contact has one.
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
