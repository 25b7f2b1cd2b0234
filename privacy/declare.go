// Package privacy holds what Comptoir knows about the personal data it
// keeps: the one declaration of every personal column (its data category,
// whose data it is, why it is kept, on which legal basis, and what erasure
// does to it), the retention policies, and the register of processing
// activities built from them. The register, the retention engine, the
// data-subject export and the erasure all read this one declaration; a
// storage test fails when a column of the schema is in neither Fields nor
// NotPersonal.
//
// It is a domain package: no storage, no HTTP.
package privacy

// Category is a category of personal data, as the register lists them.
type Category string

// The data categories.
const (
	Identity     Category = "identity"         // civility, names
	ContactData  Category = "contact"          // e-mail, phone, postal addresses
	Birth        Category = "birth"            // date of birth
	Bank         Category = "bank"             // IBAN, BIC, holder
	Professional Category = "professional"     // company, shop, SIREN/SIRET, VAT number
	Purchases    Category = "purchase_history" // documents, lines, payments: the commercial relationship
	Notes        Category = "notes"            // free text written about the person
	Consent      Category = "consent"          // marketing consent and its proof
	Connection   Category = "connection"       // IP addresses, user agents, connection times, the activity log
	Credentials  Category = "credentials"      // password hashes, second-factor secrets, one-time codes (hashed)
	DeviceID     Category = "device_id"        // the consumer app's anonymous device id (point of sale, later)
)

// Categories lists every category in the order the register shows them.
var Categories = []Category{Identity, ContactData, Birth, Bank, Professional, Purchases, Notes, Consent, Connection, Credentials, DeviceID}

// Subject is whose data a column holds.
type Subject string

// The data subjects.
const (
	Person   Subject = "contact"  // a client, prospect or supplier (or a person at one)
	Member   Subject = "user"     // a user of Comptoir: the business's team, its accountant
	Business Subject = "business" // the account's own legal identity (personal when a sole trader)
	Operator Subject = "operator" // the instance operator's staff
)

// Purpose is why a column is kept.
type Purpose string

// The purposes.
const (
	CustomerManagement Purpose = "customer_management" // clients and prospects: quotes, orders, invoices, follow-up
	SupplierManagement Purpose = "supplier_management" // suppliers: orders, receipts, bills, payments
	Accounting         Purpose = "accounting"          // keeping accounting documents as the law requires
	CustomerService    Purpose = "customer_service"    // cases and their exchanges
	Marketing          Purpose = "marketing"           // commercial prospecting with consent
	AccessControl      Purpose = "access_control"      // users, sessions, passwords, rights
	Traceability       Purpose = "traceability"        // the activity log, deliveries of e-mail, security
	Compliance         Purpose = "compliance"          // the GDPR's own records: the register of processing activities
	RightsRequests     Purpose = "rights_requests"     // handling data subjects' requests, and the proof of it
)

// Basis is the legal basis of a processing (GDPR Article 6(1)).
type Basis string

// The legal bases.
const (
	Contract           Basis = "contract"            // 6(1)(b)
	LegalObligation    Basis = "legal_obligation"    // 6(1)(c)
	LegitimateInterest Basis = "legitimate_interest" // 6(1)(f)
	ConsentBasis       Basis = "consent"             // 6(1)(a)
)

// Erasure is what erasing a person does to a column.
type Erasure string

// What erasure does.
const (
	// Blank empties the value (or sets it to its zero) and keeps the row.
	Blank Erasure = "blank"
	// DeleteRow deletes the row with the person.
	DeleteRow Erasure = "delete_row"
	// Hold keeps the value while a legal hold lasts (issued accounting
	// documents), then the row goes; a draft is deleted at once.
	Hold Erasure = "hold"
	// Redact replaces the text by a mention that it was erased (the
	// activity log, whose entries stay in their chain).
	Redact Erasure = "redact"
)

// Field declares one personal column.
type Field struct {
	Table    string
	Column   string
	Category Category
	Subject  Subject
	Purpose  Purpose
	Basis    Basis
	Erase    Erasure
}

// table builds the declarations of one table's columns that share a
// subject, purpose, basis and erasure.
func table(name string, s Subject, p Purpose, b Basis, e Erasure, cols ...any) []Field {
	var out []Field
	var cat Category
	for _, c := range cols {
		switch v := c.(type) {
		case Category:
			cat = v
		case string:
			out = append(out, Field{Table: name, Column: v, Category: cat, Subject: s, Purpose: p, Basis: b, Erase: e})
		}
	}
	return out
}

// Fields is the declaration: every column of the schema that holds personal
// data. A column listed here is exported to the person it concerns and
// treated as its Erase says when they are erased.
var Fields = concat(
	table("contacts", Person, CustomerManagement, Contract, Blank,
		Identity, "civility", "last_name", "first_name", "sort_key", "search_text",
		ContactData, "email", "phone", "phone_key", "address_line1", "address_line2", "postal_code", "city", "country",
		Birth, "birth_date",
		Bank, "iban", "bic",
		Professional, "company_name", "shop_name", "siren", "siret", "vat_number",
		Notes, "notes", "tags", "source",
		Purchases, "last_contact_at", "became_client_at", "ended_at"),
	table("contacts", Person, Marketing, ConsentBasis, Blank,
		Consent, "marketing_consent", "consent_at", "consent_proof"),
	table("contact_addresses", Person, CustomerManagement, Contract, DeleteRow,
		ContactData, "label", "line1", "line2", "postal_code", "city", "country"),
	table("conversations", Person, CustomerManagement, LegitimateInterest, DeleteRow,
		Notes, "subject", "body", "place"),
	table("cases", Person, CustomerService, Contract, DeleteRow,
		Notes, "subject"),
	table("documents", Person, Accounting, LegalObligation, Hold,
		Identity, "buyer",
		ContactData, "delivery_address", "sent_to",
		Notes, "title", "notes"),
	table("document_lines", Person, Accounting, LegalObligation, Hold,
		Purchases, "description"),
	table("payments", Person, Accounting, LegalObligation, Hold,
		Purchases, "reference", "note"),
	table("attachments", Person, SupplierManagement, LegalObligation, Hold,
		Purchases, "name"),
	table("mail_log", Person, Traceability, LegitimateInterest, Redact,
		ContactData, "to_address",
		Notes, "subject", "error"), // a server's error often quotes the recipient
	table("activity", Member, Traceability, LegitimateInterest, Redact,
		Connection, "summary", "changes", "ip", "user_agent"),
	table("idempotency_keys", Member, Traceability, LegitimateInterest, DeleteRow,
		Connection, "body"),
	table("contact_views", Member, CustomerManagement, LegitimateInterest, DeleteRow,
		Notes, "query"),
	table("users", Member, AccessControl, Contract, Blank,
		Identity, "name",
		ContactData, "email",
		Credentials, "password_hash", "totp_secret", "totp_pending_secret"),
	table("invitations", Member, AccessControl, Contract, DeleteRow,
		ContactData, "email"),
	table("sessions", Member, AccessControl, LegitimateInterest, DeleteRow,
		Connection, "ip", "user_agent", "last_seen_at"),
	table("api_tokens", Member, AccessControl, LegitimateInterest, DeleteRow,
		Credentials, "token_hash",
		Connection, "last_used_at"),
	table("password_resets", Member, AccessControl, LegitimateInterest, DeleteRow,
		Credentials, "request_hash", "code_hash",
		Connection, "ip"),
	table("email_verifications", Member, AccessControl, LegitimateInterest, DeleteRow,
		Credentials, "code_hash"),
	table("recovery_codes", Member, AccessControl, LegitimateInterest, DeleteRow,
		Credentials, "code_hash"),
	table("login_failures", Member, AccessControl, LegitimateInterest, DeleteRow,
		Connection, "identifier"),
	table("accounts", Business, Accounting, LegalObligation, Hold,
		Identity, "name",
		ContactData, "address_line1", "address_line2", "postal_code", "city", "country", "email", "phone", "website",
		Professional, "legal_form", "siren", "siret", "vat_number", "rcs_city", "share_capital"),
	table("bank_accounts", Business, Accounting, Contract, DeleteRow,
		Bank, "holder", "iban", "bic"),
	table("register_versions", Business, Compliance, LegalObligation, Hold,
		ContactData, "body", "base"),
	// A data subject's request is kept as the proof that it was handled
	// (CNIL: for the prescription period, 5 years from its closing, see
	// the rights_requests retention policy), also after the person is
	// erased: erasure keeps it (Hold) and the identity code goes.
	table("privacy_requests", Person, RightsRequests, LegalObligation, Hold,
		Identity, "requester_name",
		ContactData, "requester_email", "requester_phone",
		Notes, "details", "extension_reason", "verification_note", "notes", "answer", "report"),
	table("privacy_requests", Person, RightsRequests, LegalObligation, Blank,
		Credentials, "code_hash"),
	table("operators", Operator, AccessControl, Contract, DeleteRow,
		ContactData, "email",
		Credentials, "password_hash"),
	table("operator_sessions", Operator, AccessControl, LegitimateInterest, DeleteRow,
		Credentials, "token_hash",
		Connection, "ip", "last_seen_at"),
	table("account_closures", Member, AccessControl, LegitimateInterest, DeleteRow,
		Credentials, "code_hash"),
	table("breaches", Person, Traceability, LegalObligation, Hold,
		Notes, "reported_by", "nature", "consequences", "measures", "late_reason", "no_notice_reason"),
)

// NotPersonal lists, per table, the columns that hold no personal data by
// themselves: keys, links to a person's row, amounts, dates of records,
// statuses. Together with Fields it covers the whole schema, so a column
// added later is declared one way or the other.
var NotPersonal = map[string][]string{
	"accounts":            {"id", "logo", "logo_type", "currency", "locale", "time_zone", "status", "created_at", "updated_at", "require_2fa", "closes_at", "closed_at"},
	"account_closures":    {"account_id", "user_id", "created_at", "expires_at", "attempts"},
	"activity":            {"id", "account_id", "at", "user_id", "module", "action", "record_type", "record_id", "seq", "hash", "via_support", "redacted_by"},
	"activity_heads":      {"account_id", "seq", "hash", "purged_seq", "purged_hash"},
	"api_tokens":          {"id", "account_id", "user_id", "name", "created_at", "expires_at", "revoked_at", "scope"},
	"attachments":         {"id", "account_id", "document_id", "media_type", "size", "checksum", "created_by", "created_at"},
	"bank_accounts":       {"id", "account_id", "label", "is_default", "created_at", "updated_at"},
	"breaches":            {"id", "account_id", "discovered_at", "categories", "subjects", "people_count", "records_count", "risk", "authority_notified_at", "authority_reference", "people_notified_at", "status", "created_by", "created_at", "updated_at"},
	"cases":               {"id", "account_id", "contact_id", "status", "priority", "assignee_id", "opened_at", "first_answer_at", "solved_at", "updated_at"},
	"contact_addresses":   {"id", "account_id", "contact_id", "kind", "is_default", "created_at", "updated_at"},
	"contact_views":       {"id", "account_id", "user_id", "name", "created_at"},
	"contacts":            {"id", "account_id", "kind", "is_prospect", "is_client", "is_supplier", "owner_id", "created_at", "updated_at", "company_id", "dunning_paused", "archived_at", "erased_at"},
	"conversations":       {"id", "account_id", "contact_id", "kind", "at", "duration_min", "due_at", "done_at", "assignee_id", "author_id", "created_at", "updated_at", "case_id", "remind_at", "reminded_at", "document_id"},
	"document_lines":      {"id", "account_id", "document_id", "position", "kind", "product_id", "reference", "quantity", "unit", "unit_price", "discount", "vat_rate", "origin_line_id", "net", "deposit_id"},
	"documents":           {"id", "account_id", "kind", "series", "status", "number", "contact_id", "origin_id", "issue_date", "delivery_date", "due_date", "valid_until", "payment_terms", "discount", "exemption", "operation", "vat_on_debits", "locale", "currency", "net_total", "vat_total", "gross_total", "paid", "credited", "dunning_paused", "dunning_level", "created_by", "created_at", "updated_at", "issued_at", "sent_at", "mail_status", "supplier_number", "restricted"},
	"dunning_reminders":   {"id", "account_id", "document_id", "level", "channel", "tone", "balance", "penalties", "indemnity", "sent_at", "sent_by", "mail_status"},
	"email_verifications": {"user_id", "created_at", "expires_at", "attempts"},
	"idempotency_keys":    {"account_id", "user_id", "key", "request_hash", "status", "content_type", "created_at"},
	"invitations":         {"id", "account_id", "role", "token_hash", "invited_by", "created_at", "expires_at", "accepted_at"},
	"login_failures":      {"failures", "last_failure_at"},
	"mail_log":            {"id", "account_id", "at", "template", "status"},
	"memberships":         {"account_id", "user_id", "role", "created_at", "disabled_at"},
	"number_series":       {"account_id", "series", "period", "next"},
	"operator_sessions":   {"operator_id", "created_at", "expires_at"},
	"operators":           {"id", "user_id", "created_at", "disabled_at"},
	"password_resets":     {"id", "user_id", "created_at", "expires_at", "attempts", "used_at"},
	"payment_allocations": {"id", "account_id", "payment_id", "document_id", "amount", "created_at"},
	"payments":            {"id", "account_id", "contact_id", "date", "amount", "method", "allocated", "created_by", "created_at", "direction"},
	"product_suppliers":   {"account_id", "product_id", "contact_id", "reference", "price", "updated_at"},
	"products":            {"id", "account_id", "reference", "name", "description", "unit", "price", "vat_rate", "purchase_price", "barcode", "active", "sort_key", "search_text", "created_at", "updated_at"},
	"recovery_codes":      {"user_id", "used_at"},
	"register_versions":   {"id", "account_id", "user_id", "note", "created_at"},
	"retention_policies":  {"account_id", "key", "active", "archive", "action", "updated_by", "updated_at"},
	"retention_runs":      {"id", "account_id", "started_at", "finished_at", "as_of", "dry_run", "started_by", "counts", "error"},
	"roles":               {"id", "account_id", "name", "rights", "created_at", "updated_at"},
	"sales_settings":      {"account_id", "data", "updated_at"},
	"sessions":            {"token_hash", "user_id", "account_id", "created_at", "expires_at", "mfa_pending", "support_grant_id"},
	"support_grants":      {"id", "account_id", "granted_by", "role", "created_at", "expires_at", "revoked_at"},
	"users":               {"id", "locale", "created_at", "updated_at", "disabled_at", "email_verified_at", "totp_enabled_at", "totp_last_step"},

	// Data subjects' requests (privacy/request.go).
	"privacy_requests":         {"id", "account_id", "kind", "status", "channel", "received_on", "due_on", "extended_due_on", "code_expires_at", "code_attempts", "code_sent_at", "codes_sent", "verified_at", "verified_by", "answered_at", "closed_at", "created_by", "created_at", "updated_at"},
	"privacy_request_contacts": {"account_id", "request_id", "contact_id"},

	// The instance's backup runs and job leases: machines, sizes, times.
	"backup_runs": {"id", "kind", "backup_id", "host", "started_at", "finished_at", "status", "size", "plain_bytes", "row_count", "file_count", "report", "error"},
	"job_leases":  {"name", "holder", "expires_at"},
}

// Internal tables are the database's and the migration tool's own, and the
// search index's shadow tables, kept by triggers from declared columns.
var Internal = []string{"goose_db_version", "sqlite_sequence", "contacts_fts", "contacts_fts_config", "contacts_fts_data", "contacts_fts_docsize", "contacts_fts_idx"}

// FieldsOf returns the declared personal columns of table.
func FieldsOf(table string) []Field {
	var out []Field
	for _, f := range Fields {
		if f.Table == table {
			out = append(out, f)
		}
	}
	return out
}

// Declared reports whether table.column is declared, personal or not.
func Declared(table, column string) bool {
	for _, f := range Fields {
		if f.Table == table && f.Column == column {
			return true
		}
	}
	for _, c := range NotPersonal[table] {
		if c == column {
			return true
		}
	}
	return false
}

func concat(parts ...[]Field) []Field {
	var out []Field
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
