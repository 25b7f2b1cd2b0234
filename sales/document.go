// Package sales holds the documents of a sale — quotes, orders, delivery
// notes, invoices, deposit invoices and credit notes — with their lines,
// their totals computed as EN 16931 defines them, the rules of the flow from
// one to the next, numbering patterns, payment terms, the French legal
// mentions checked before issue, and the dunning levels of unpaid-invoice
// reminders.
//
// It is a domain package: plain structs and pure functions, no storage and
// no HTTP. Money is money.Amount (cents), quantities measure.Quantity
// (thousandths), rates vat.Rate and Percent (hundredths of a percent).
package sales

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/vat"
)

// Kinds of document.
const (
	Quote    = "quote"    // devis
	Order    = "order"    // bon de commande
	Delivery = "delivery" // bon de livraison
	Invoice  = "invoice"  // facture
	Deposit  = "deposit"  // facture d'acompte
	Credit   = "credit"   // avoir
)

// Kinds lists every kind in the order of the flow.
var Kinds = []string{Quote, Order, Delivery, Invoice, Deposit, Credit}

// Statuses. A document is a draft until issued; what follows depends on
// its kind. Overdue is not stored: it is an issued invoice past its due
// date with something left to pay.
const (
	Draft         = "draft"
	Issued        = "issued"
	Accepted      = "accepted"  // quote
	Refused       = "refused"   // quote
	Expired       = "expired"   // quote
	Delivered     = "delivered" // order: everything shipped
	PartlyPaid    = "partially_paid"
	Paid          = "paid"
	Cancelled     = "cancelled" // invoice fully credited, or order or quote withdrawn
	Overdue       = "overdue"   // shown, never stored
	PartDelivered = "partially_delivered"
)

// Operation categories printed on invoices since the e-invoicing reform.
const (
	Goods    = "goods"
	Services = "services"
	Mixed    = "mixed"
)

// Line kinds.
const (
	Item    = "item"
	Section = "section" // a title grouping the lines below it
	Comment = "comment" // free text, no amount
)

// Percent is a percentage in hundredths: 1250 is 12.5 %.
type Percent int64

// Party is the buyer as printed on a document: copied from the contact
// while the document is a draft, frozen when it is issued.
type Party struct {
	Name      string          `json:"name"`
	Address   account.Address `json:"address"`
	Email     string          `json:"email"`
	SIREN     string          `json:"siren"`
	VATNumber string          `json:"vat_number"`
	Business  bool            `json:"business"` // a company: B2B mentions apply
}

// Line is one line of a document.
type Line struct {
	ID          int64            `json:"id"`
	Kind        string           `json:"kind"`
	ProductID   int64            `json:"product_id,omitempty"`
	Reference   string           `json:"reference"`
	Description string           `json:"description"`
	Quantity    measure.Quantity `json:"quantity"` // thousandths
	Unit        string           `json:"unit"`
	UnitPrice   money.Amount     `json:"unit_price"` // excl. VAT, cents
	Discount    Percent          `json:"discount"`   // hundredths of a percent
	VATRate     vat.Rate         `json:"vat_rate"`   // hundredths of a percent
	// OriginLineID is the line of the order (or invoice, for a credit
	// note) this line delivers, invoices or credits; it is how remaining
	// quantities are tracked.
	OriginLineID int64 `json:"origin_line_id,omitempty"`
	// DepositID is the deposit invoice this line deducts, on a final
	// invoice and its credit notes.
	DepositID int64 `json:"deposit_id,omitempty"`
	// Net is the line net amount (EN 16931 BT-131), computed.
	Net money.Amount `json:"net"`
}

// Document is a quote, an order, a delivery note, an invoice, a deposit
// invoice or a credit note.
type Document struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Number string `json:"number"` // empty while a draft
	// SupplierNumber is the supplier's own number for a purchase document:
	// their quote's or bill's, or their confirmation of an order.
	SupplierNumber string `json:"supplier_number"`
	ContactID      int64  `json:"contact_id"`
	Buyer          Party  `json:"buyer"`
	// DeliveryAddress is printed when it differs from the buyer's.
	DeliveryAddress *account.Address `json:"delivery_address,omitempty"`
	OriginID        int64            `json:"origin_id,omitempty"` // the document this one comes from
	Title           string           `json:"title"`               // the subject ("Refonte du site")
	IssueDate       string           `json:"issue_date"`          // YYYY-MM-DD, set at issue
	DeliveryDate    string           `json:"delivery_date"`       // date of the sale or delivery
	DueDate         string           `json:"due_date"`
	ValidUntil      string           `json:"valid_until"` // quotes
	PaymentTerms    string           `json:"payment_terms"`
	Discount        Percent          `json:"discount"` // document-level, hundredths of a percent
	Exemption       vat.Exemption    `json:"exemption"`
	Operation       string           `json:"operation"` // goods, services, mixed
	VATOnDebits     bool             `json:"vat_on_debits"`
	Notes           string           `json:"notes"`
	Locale          string           `json:"locale"` // language of the PDF and e-mails
	Currency        string           `json:"currency"`
	Lines           []Line           `json:"lines"`
	// Totals, computed by Compute and stored for lists.
	NetTotal   money.Amount `json:"net_total"`
	VATTotal   money.Amount `json:"vat_total"`
	GrossTotal money.Amount `json:"gross_total"`
	// Paid is what payments (invoices) or refunds (credit notes) settled;
	// Credited what issued credit notes took off an invoice.
	Paid           money.Amount `json:"paid"`
	Credited       money.Amount `json:"credited"`
	DunningPaused  bool         `json:"dunning_paused"`
	DunningLevel   int          `json:"dunning_level"` // highest reminder level sent
	CreatedBy      int64        `json:"created_by"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
	IssuedAt       *time.Time   `json:"issued_at,omitempty"`
	SentAt         *time.Time   `json:"sent_at,omitempty"`
	SentTo         string       `json:"sent_to,omitempty"`     // where it was last e-mailed
	MailStatus     string       `json:"mail_status,omitempty"` // how that delivery went: sent, logged, failed
	ContactName    string       `json:"contact_name,omitempty"`
	OriginNumber   string       `json:"origin_number,omitempty"`
	PaymentRefence string       `json:"-"`

	// Restricted: kept under a legal hold after its person was erased,
	// seen only by those with the privacy right.
	Restricted bool `json:"restricted,omitempty"`
}

// Balance is what is left to pay on an invoice, or to refund on a credit
// note.
func (d Document) Balance() money.Amount { return d.GrossTotal - d.Credited - d.Paid }

// Billing reports whether the document is an invoice of any kind, which
// is numbered gaplessly and never changed once issued.
func (d Document) Billing() bool { return Billing(d.Kind) }

// Billing reports whether kind is an invoice, a deposit invoice or a credit note.
func Billing(kind string) bool { return kind == Invoice || kind == Deposit || kind == Credit }

// Payable reports whether payments are recorded against the kind: the
// invoices clients pay, and the bills paid to suppliers.
func Payable(kind string) bool { return kind == Invoice || kind == Deposit || kind == Bill }

// Draft reports whether the document can still be edited.
func (d Document) IsDraft() bool { return d.Status == Draft }

// Shown is the status a user sees on today (YYYY-MM-DD): an issued quote
// past its validity date is expired (it can still be accepted, if the
// business agrees), an issued or partly paid invoice past its due date
// with something left to pay is overdue.
func (d Document) Shown(today string) string {
	if (d.Kind == Quote || d.Kind == SupplierQuote) && d.Status == Issued && d.ValidUntil != "" && d.ValidUntil < today {
		return Expired
	}
	if Payable(d.Kind) && (d.Status == Issued || d.Status == PartlyPaid) && d.DueDate != "" && d.DueDate < today && d.Balance() > 0 {
		return Overdue
	}
	return d.Status
}

// Validate checks a document and its lines, and computes the line nets
// and the totals. It reports every problem at once; line fields are named
// "lines.N.field" (N from 0).
func (d *Document) Validate() error {
	var f errs.Fields
	if !slices.Contains(Kinds, d.Kind) && !Purchase(d.Kind) {
		f.Add("kind", "invalid_kind", "kind must be quote, order, delivery, invoice, deposit, credit, supplier_quote, purchase_order, receipt or bill")
	}
	if d.ContactID == 0 && d.Purchase() {
		f.Add("contact_id", "required", "a purchase document needs a supplier")
	} else if d.ContactID == 0 {
		f.Add("contact_id", "required", "a document needs a client")
	}
	d.SupplierNumber = strings.TrimSpace(d.SupplierNumber)
	if err := CheckSupplierNumber(d.SupplierNumber); err != nil {
		f = append(f, errs.FieldsOf(err)...)
	}
	d.Title = strings.TrimSpace(d.Title)
	tooLong(&f, "title", d.Title, 200)
	tooLong(&f, "notes", d.Notes, 5000)
	for _, fd := range []struct {
		name, v string
	}{{"issue_date", d.IssueDate}, {"delivery_date", d.DeliveryDate}, {"due_date", d.DueDate}, {"valid_until", d.ValidUntil}} {
		if fd.v != "" {
			if _, err := time.Parse(time.DateOnly, fd.v); err != nil {
				f.Add(fd.name, "invalid_date", fd.name+" must be a date written YYYY-MM-DD")
			}
		}
	}
	if d.ValidUntil != "" && d.Kind != Quote && d.Kind != SupplierQuote {
		f.Add("valid_until", "quotes_only", "only a quote has a validity date")
	}
	if d.PaymentTerms != "" {
		if _, err := ParseTerms(d.PaymentTerms); err != nil {
			f.Add("payment_terms", "invalid_terms", "payment terms are a number of days, optionally followed by _eom (end of month): 0, 30, 45_eom")
		}
	}
	if d.Discount < 0 || d.Discount > 10000 {
		f.Add("discount", "invalid_percent", "the discount is a percentage between 0 and 100")
	}
	if !d.Exemption.Valid() {
		f.Add("exemption", "invalid_exemption", "exemption must be empty, franchise, reverse_charge, intra_eu or export")
	}
	if d.Operation != "" && d.Operation != Goods && d.Operation != Services && d.Operation != Mixed {
		f.Add("operation", "invalid_operation", "operation must be goods, services or mixed")
	}
	if d.Locale != "fr" && d.Locale != "en" {
		f.Add("locale", "unsupported_locale", "the language must be fr or en")
	}
	if len(d.Lines) > MaxLines {
		f.Add("lines", "too_many", "a document has at most 1000 lines")
	}
	for i := range d.Lines {
		d.Lines[i].validate(&f, "lines."+strconv.Itoa(i)+".", d.Exemption)
	}
	if err := f.Err("sales.Document.Validate"); err != nil {
		return err
	}
	d.Compute()
	if d.GrossTotal < 0 {
		f.Add("lines", "negative_total", "the total cannot be negative; use a credit note to give money back")
	}
	if d.GrossTotal > MaxTotal || d.GrossTotal < -MaxTotal {
		f.Add("lines", "too_large", "the total is beyond 1,000,000,000.00")
	}
	return f.Err("sales.Document.Validate")
}

// Limits that keep every computation inside int64 and every document
// printable.
const (
	MaxLines                  = 1000
	MaxUnitPrice money.Amount = 1_000_000_000 // ten million, in cents
	MaxTotal     money.Amount = 100_000_000_000
)

func (l *Line) validate(f *errs.Fields, p string, ex vat.Exemption) {
	if l.Kind == "" {
		l.Kind = Item
	}
	l.Description = strings.TrimSpace(l.Description)
	l.Reference = strings.TrimSpace(l.Reference)
	tooLong(f, p+"reference", l.Reference, 64)
	tooLong(f, p+"description", l.Description, 4000)
	switch l.Kind {
	case Section, Comment:
		if l.Description == "" {
			f.Add(p+"description", "required", "a section or comment line needs a text")
		}
		l.Quantity, l.UnitPrice, l.Discount, l.VATRate, l.Unit = 0, 0, 0, 0, ""
		return
	case Item:
	default:
		f.Add(p+"kind", "invalid_kind", "a line is an item, a section or a comment")
		return
	}
	if l.Description == "" && l.Reference == "" {
		f.Add(p+"description", "required", "a line needs a description")
	}
	if l.Unit == "" {
		l.Unit = "piece"
	}
	if !measure.ValidUnit(l.Unit) {
		f.Add(p+"unit", "invalid_unit", "unknown unit "+l.Unit)
	}
	if l.Quantity > measure.Max || l.Quantity < -measure.Max {
		f.Add(p+"quantity", "too_large", "the quantity is beyond a million")
	} else if l.Quantity == 0 {
		f.Add(p+"quantity", "zero", "the quantity cannot be zero")
	}
	if l.UnitPrice < 0 {
		f.Add(p+"unit_price", "negative", "the unit price cannot be negative; use a negative quantity for a deduction")
	} else if l.UnitPrice > MaxUnitPrice {
		f.Add(p+"unit_price", "too_large", "the unit price is beyond 10,000,000.00")
	}
	if l.Discount < 0 || l.Discount > 10000 {
		f.Add(p+"discount", "invalid_percent", "the discount is a percentage between 0 and 100")
	}
	if l.VATRate < 0 || l.VATRate > 10000 {
		f.Add(p+"vat_rate", "invalid_rate", "the VAT rate is a percentage between 0 and 100")
	} else if ex != vat.None && l.VATRate != 0 {
		f.Add(p+"vat_rate", "exempt", "the document is exempt from VAT ("+string(ex)+"): the rate must be 0")
	}
}

func tooLong(f *errs.Fields, field, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		f.Add(field, "too_long", field+" is longer than "+strconv.Itoa(n)+" characters")
	}
}

// Filter selects documents for a list.
type Filter struct {
	Kinds     []string
	Status    string // a stored status, "unpaid", or Overdue (with Today)
	Today     string // YYYY-MM-DD in the account's time zone
	ContactID int64
	OriginID  int64
	CreatedBy int64  // a role that sees only its own records
	Query     string // number prefix, or part of the title or client's name
	AfterID   int64  // keyset: documents older than this one
	// ByDueDate lists the soonest due first instead of the newest first
	// (the "to pay" list); AfterID is then not used.
	ByDueDate bool
	Limit     int
	// Restricted also lists the documents restricted after their person's
	// erasure; the service sets it for those with the privacy right.
	Restricted bool
}

// String is the plain form of a percentage, "12.5".
func (p Percent) String() string {
	return strings.ReplaceAll(money.FormatDecimal(int64(p), 2, 0, "en"), ",", "")
}

// Format writes the percentage in a locale, "12,5".
func (p Percent) Format(locale string) string { return money.FormatDecimal(int64(p), 2, 0, locale) }

// MarshalJSON writes the percentage as a decimal string, "12.5".
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(`"` + p.String() + `"`), nil }

// UnmarshalJSON reads a percentage from a JSON number or string, exactly.
func (p *Percent) UnmarshalJSON(b []byte) error {
	v, err := money.DecimalJSON(b, 2)
	if err != nil {
		return err
	}
	*p = Percent(v)
	return nil
}

// Input is what a user may set on a draft; pointer fields so that an edit
// leaves unset fields alone. Lines, when set, replace all the lines.
type Input struct {
	Kind            *string          `json:"kind"`
	ContactID       *int64           `json:"contact_id"`
	SupplierNumber  *string          `json:"supplier_number"`
	IssueDate       *string          `json:"issue_date"` // a supplier's quote or bill: the date printed on it
	Title           *string          `json:"title"`
	DeliveryDate    *string          `json:"delivery_date"`
	DueDate         *string          `json:"due_date"`
	ValidUntil      *string          `json:"valid_until"`
	PaymentTerms    *string          `json:"payment_terms"`
	Discount        *Percent         `json:"discount"`
	Exemption       *vat.Exemption   `json:"exemption"`
	Operation       *string          `json:"operation"`
	VATOnDebits     *bool            `json:"vat_on_debits"`
	Notes           *string          `json:"notes"`
	Locale          *string          `json:"locale"`
	DeliveryAddress *account.Address `json:"delivery_address"`
	Lines           *[]Line          `json:"lines"`
}

// Apply copies the set fields onto d.
func (in Input) Apply(d *Document) {
	set(&d.Kind, in.Kind)
	set(&d.ContactID, in.ContactID)
	set(&d.SupplierNumber, in.SupplierNumber)
	if Recorded(d.Kind) {
		set(&d.IssueDate, in.IssueDate)
	}
	set(&d.Title, in.Title)
	set(&d.DeliveryDate, in.DeliveryDate)
	set(&d.DueDate, in.DueDate)
	set(&d.ValidUntil, in.ValidUntil)
	set(&d.PaymentTerms, in.PaymentTerms)
	set(&d.Discount, in.Discount)
	set(&d.Exemption, in.Exemption)
	set(&d.Operation, in.Operation)
	set(&d.VATOnDebits, in.VATOnDebits)
	set(&d.Notes, in.Notes)
	set(&d.Locale, in.Locale)
	if in.DeliveryAddress != nil {
		if *in.DeliveryAddress == (account.Address{}) {
			d.DeliveryAddress = nil
		} else {
			a := *in.DeliveryAddress
			d.DeliveryAddress = &a
		}
	}
	if in.Lines != nil {
		d.Lines = make([]Line, len(*in.Lines))
		for i, l := range *in.Lines {
			l.ID, l.Net = 0, 0
			d.Lines[i] = l
		}
	}
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// ExportColumns head the CSV export of documents, for an accountant's
// spreadsheet. On purchase documents the client is the supplier, and the
// supplier's own number comes last.
var ExportColumns = []string{"number", "kind", "status", "issue_date", "delivery_date", "due_date", "client", "client_siren",
	"client_vat_number", "net_total", "vat_total", "gross_total", "paid", "credited", "balance", "currency", "supplier_number"}

// Row is the document as a row under ExportColumns; amounts are written
// plainly with a dot ("1234.50").
func (d Document) Row() []string {
	return []string{d.Number, d.Kind, d.Status, d.IssueDate, d.DeliveryDate, d.DueDate, d.Buyer.Name, d.Buyer.SIREN,
		d.Buyer.VATNumber, d.NetTotal.String(), d.VATTotal.String(), d.GrossTotal.String(), d.Paid.String(),
		d.Credited.String(), d.Balance().String(), d.Currency, d.SupplierNumber}
}
