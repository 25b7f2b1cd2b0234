package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/vat"
)

const documentsPerPage = 50

// salesCollection is one list of the Sales menu: its path segment, the
// kind a "New" button makes, and the kinds it lists.
type salesCollection struct {
	Slug     string
	Kind     string
	Kinds    []string
	Statuses []string // offered by the status filter
}

var salesCollections = []salesCollection{
	{"quotes", sales.Quote, []string{sales.Quote}, []string{sales.Draft, sales.Issued, sales.Expired, sales.Accepted, sales.Refused, sales.Cancelled}},
	{"orders", sales.Order, []string{sales.Order}, []string{sales.Draft, sales.Issued, sales.PartDelivered, sales.Delivered, sales.Cancelled}},
	{"deliveries", sales.Delivery, []string{sales.Delivery}, []string{sales.Draft, sales.Issued}},
	{"invoices", sales.Invoice, []string{sales.Invoice, sales.Deposit}, []string{sales.Draft, "unpaid", sales.Overdue, sales.Issued, sales.PartlyPaid, sales.Paid, sales.Cancelled}},
	{"credit-notes", sales.Credit, []string{sales.Credit}, []string{sales.Draft, sales.Issued}},
}

// purchaseCollections are the lists of the Purchases menu: the same
// documents seen from the other side, served by the same handlers.
var purchaseCollections = []salesCollection{
	{"supplier-quotes", sales.SupplierQuote, []string{sales.SupplierQuote}, []string{sales.Draft, sales.Issued, sales.Expired, sales.Accepted, sales.Refused, sales.Cancelled}},
	{"purchase-orders", sales.PurchaseOrder, []string{sales.PurchaseOrder}, []string{sales.Draft, sales.Sent, sales.Confirmed, sales.PartReceived, sales.Received, sales.Closed, sales.Cancelled}},
	{"receipts", sales.Receipt, []string{sales.Receipt}, []string{sales.Draft, sales.Issued}},
	{"bills", sales.Bill, []string{sales.Bill}, []string{sales.Draft, "unpaid", sales.Overdue, sales.PartlyPaid, sales.Paid, sales.Cancelled}},
}

// collectionOf is the list a document of kind belongs to.
func collectionOf(kind string) salesCollection {
	for _, c := range append(salesCollections[:len(salesCollections):len(salesCollections)], purchaseCollections...) {
		if slices.Contains(c.Kinds, kind) {
			return c
		}
	}
	return salesCollections[0]
}

// Module is the rights module of the collection.
func (c salesCollection) Module() string {
	switch {
	case c.Kind == sales.Delivery:
		return string(access.Deliveries)
	case sales.Purchase(c.Kind):
		return string(access.Purchases)
	}
	return string(access.Sales)
}

// Purchase reports whether the collection is one of the Purchases menu.
func (c salesCollection) Purchase() bool { return sales.Purchase(c.Kind) }

// Base is the path the collection's pages live under: /sales or /purchases.
func (c salesCollection) Base() string { return documentBase(c.Kind) }

// Path is the collection's list.
func (c salesCollection) Path() string { return c.Base() + "/" + c.Slug }

// Payable reports whether the collection's documents are paid: invoices
// by clients, bills to suppliers.
func (c salesCollection) Payable() bool { return sales.Payable(c.Kind) }

// Party is the message id naming the other party: the client, or the
// supplier.
func (c salesCollection) Party() string {
	if c.Purchase() {
		return "purchases.supplier"
	}
	return "sales.client"
}

// Title is the message id of the menu the collection belongs to.
func (c salesCollection) Title() string {
	if c.Purchase() {
		return "purchases.title"
	}
	return "sales.title"
}

// collectionsOf are the lists shown as tabs beside c.
func collectionsOf(c salesCollection) []salesCollection {
	if c.Purchase() {
		return purchaseCollections
	}
	return salesCollections
}

// documentBase is the path a document's pages live under: purchases
// under /purchases, the rest under /sales.
func documentBase(kind string) string {
	if sales.Purchase(kind) {
		return "/purchases"
	}
	return "/sales"
}

// documentPath is a document's page.
func documentPath(kind string, id int64) string {
	return documentBase(kind) + "/documents/" + strconv.FormatInt(id, 10)
}

// DocPath is a document's page, for templates.
func (p Page) DocPath(kind string, id int64) string { return documentPath(kind, id) }

// Creatable reports whether a new document of the collection is written
// from scratch (a credit note is made from its invoice, a receipt from
// its purchase order).
func (c salesCollection) Creatable() bool { return c.Kind != sales.Credit && c.Kind != sales.Receipt }

// SalesDate writes an ISO date the way the page's language does.
func (p Page) SalesDate(iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	if p.lang == "en" {
		return d.Format("2 Jan 2006")
	}
	return d.Format("02/01/2006")
}

// Qty, Rate and Pct write decimals in the page's language.
func (p Page) Qty(q measure.Quantity) string { return q.Format(p.lang) }
func (p Page) Rate(r vat.Rate) string        { return r.Format(p.lang) + "\u00a0%" }
func (p Page) Pct(v sales.Percent) string    { return v.Format(p.lang) + "\u00a0%" }

// SeesAmounts reports whether amounts are shown to the viewer.
func (p Page) SeesAmounts() bool { return p.rights.Sees(access.Amounts) }

// StatusClass is the colour of a status badge.
func (p Page) StatusClass(status string) string {
	switch status {
	case sales.Draft:
		return "text-bg-secondary"
	case sales.Issued, sales.Sent:
		return "text-bg-primary"
	case sales.Accepted, sales.Paid, sales.Delivered, sales.Received:
		return "text-bg-success"
	case sales.PartlyPaid, sales.PartDelivered, sales.Confirmed, sales.PartReceived:
		return "text-bg-info"
	case sales.Refused, sales.Overdue:
		return "text-bg-danger"
	case sales.Cancelled, sales.Expired, sales.Closed:
		return "text-bg-dark"
	}
	return "text-bg-light"
}

// salesRow is a document of a list with its shown status.
type salesRow struct {
	sales.Document
	Shown string
}

type salesListPage struct {
	Page
	Collection  salesCollection
	Collections []salesCollection
	Items       []salesRow
	Status      string
	Query       string
	Next        template.URL
}

func (s *Server) today(p Page) string { return time.Now().In(p.loc).Format(time.DateOnly) }

func (s *Server) salesList(c salesCollection) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := &salesListPage{Page: s.basePage(r), Collection: c, Collections: collectionsOf(c)}
		q := r.URL.Query()
		p.Query = strings.TrimSpace(q.Get("q"))
		if st := q.Get("status"); slices.Contains(c.Statuses, st) {
			p.Status = st
		}
		f := sales.Filter{Kinds: c.Kinds, Status: p.Status, Today: s.today(p.Page), Query: p.Query, Limit: documentsPerPage + 1}
		f.AfterID, _ = strconv.ParseInt(q.Get("after"), 10, 64)
		docs, err := s.svc.Documents(r.Context(), f)
		if err != nil {
			return err
		}
		if len(docs) > documentsPerPage {
			docs = docs[:documentsPerPage]
			next := url.Values{}
			if p.Query != "" {
				next.Set("q", p.Query)
			}
			if p.Status != "" {
				next.Set("status", p.Status)
			}
			next.Set("after", strconv.FormatInt(docs[len(docs)-1].ID, 10))
			p.Next = template.URL(next.Encode()) // escaped by Encode
		}
		for _, d := range docs {
			p.Items = append(p.Items, salesRow{Document: d, Shown: d.Shown(f.Today)})
		}
		return s.render(w, r, "sales", p)
	}
}

// lineForm is a line of the editor as typed: strings, so that a wrong
// value comes back as it was written.
type lineForm struct {
	Kind, Reference, Description, Quantity, Unit, UnitPrice, Discount, VATRate string
	OriginLineID, ProductID, DepositID                                         string
	Net                                                                        string
	// ProductText is what the catalog picker held when the form was
	// posted: free text there that names no product becomes the line's
	// description, never lost.
	ProductText string
}

// docForm is the editor's form as typed.
type docForm struct {
	ID        int64
	Kind      string
	OriginID  int64
	ContactID string
	Title     string
	// SupplierNumber and IssueDate are the supplier's own number and date,
	// on purchase documents (the date on a supplier's quote or bill only).
	SupplierNumber string
	IssueDate      string
	DeliveryDate   string
	DueDate        string
	ValidUntil     string
	PaymentTerms   string
	Exemption      string
	Operation      string
	VATOnDebits    bool
	Discount       string
	Notes          string
	Locale         string
	Lines          []lineForm
}

// defaultChoice is the value of the "the business's default" option,
// offered when the viewer cannot read the sales settings.
const defaultChoice = "default"

func formOfDocument(d sales.Document, lang string) docForm {
	f := docForm{ID: d.ID, Kind: d.Kind, OriginID: d.OriginID, Title: d.Title, DeliveryDate: d.DeliveryDate, DueDate: d.DueDate,
		ValidUntil: d.ValidUntil, PaymentTerms: d.PaymentTerms, Exemption: string(d.Exemption), Operation: d.Operation,
		VATOnDebits: d.VATOnDebits, Notes: d.Notes, Locale: d.Locale, SupplierNumber: d.SupplierNumber}
	if sales.Recorded(d.Kind) {
		f.IssueDate = d.IssueDate
	}
	if d.ContactID != 0 {
		f.ContactID = strconv.FormatInt(d.ContactID, 10)
	}
	if d.Discount != 0 {
		f.Discount = d.Discount.Format(lang)
	}
	for _, l := range d.Lines {
		lf := lineForm{Kind: l.Kind, Reference: l.Reference, Description: l.Description}
		if l.Kind == sales.Item || l.Kind == "" {
			lf.Kind = sales.Item
			lf.Quantity, lf.Unit, lf.UnitPrice, lf.VATRate = l.Quantity.Format(lang), l.Unit, l.UnitPrice.Format(lang), l.VATRate.Format(lang)
			lf.Net = l.Net.Format(lang)
			if l.Discount != 0 {
				lf.Discount = l.Discount.Format(lang)
			}
		}
		if l.OriginLineID != 0 {
			lf.OriginLineID = strconv.FormatInt(l.OriginLineID, 10)
		}
		if l.ProductID != 0 {
			lf.ProductID = strconv.FormatInt(l.ProductID, 10)
		}
		if l.DepositID != 0 {
			lf.DepositID = strconv.FormatInt(l.DepositID, 10)
		}
		f.Lines = append(f.Lines, lf)
	}
	return f
}

// readDocForm reads the editor's form. Lines are named lines.N.field;
// empty lines (a line added and left blank) are dropped.
func readDocForm(r *http.Request) docForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := docForm{ContactID: v("contact_id"), Title: v("title"), DeliveryDate: v("delivery_date"), DueDate: v("due_date"),
		ValidUntil: v("valid_until"), PaymentTerms: v("payment_terms"), Exemption: v("exemption"), Operation: v("operation"),
		VATOnDebits: r.PostFormValue("vat_on_debits") != "", Discount: v("discount"), Notes: strings.TrimSpace(r.PostFormValue("notes")), Locale: v("locale"),
		SupplierNumber: v("supplier_number"), IssueDate: v("issue_date")}
	var idx []int
	for k := range r.PostForm {
		if rest, ok := strings.CutPrefix(k, "lines."); ok {
			if n, ok := strings.CutSuffix(rest, ".kind"); ok {
				if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < 2*sales.MaxLines {
					idx = append(idx, i)
				}
			}
		}
	}
	sort.Ints(idx)
	for _, i := range idx {
		p := "lines." + strconv.Itoa(i) + "."
		l := lineForm{Kind: v(p + "kind"), Reference: v(p + "reference"), Description: strings.TrimSpace(r.PostFormValue(p + "description")),
			Quantity: v(p + "quantity"), Unit: v(p + "unit"), UnitPrice: v(p + "unit_price"), Discount: v(p + "discount"),
			VATRate: v(p + "vat_rate"), OriginLineID: v(p + "origin_line_id"), ProductID: v(p + "product_id"), DepositID: v(p + "deposit_id")}
		l.ProductText = v(p + "product")
		if l.ProductID == "" && l.ProductText != "" && !strings.Contains(l.Description, l.ProductText) {
			// Text typed in the picker that matched no product: the
			// line's description, ahead of what the description holds.
			l.Description = strings.TrimSpace(l.ProductText + "\n" + l.Description)
		}
		if l.blank() {
			continue
		}
		f.Lines = append(f.Lines, l)
	}
	return f
}

// blank is true of a line the user typed nothing into: added and left as
// the template made it (quantity 1, the default unit and rate). Any other
// line is kept, so that what it lacks is reported rather than dropped.
func (l lineForm) blank() bool {
	return l.Description == "" && l.Reference == "" && l.UnitPrice == "" && l.Discount == "" &&
		(l.Quantity == "" || l.Quantity == "1") && l.OriginLineID == "" && l.ProductID == "" && l.DepositID == "" && l.ProductText == ""
}

// input turns the form into the service's input; values that cannot be
// read are reported on their field.
func (f docForm) input(creating bool) (sales.Input, errs.Fields) {
	var fe errs.Fields
	str := func(s string) *string { return &s }
	in := sales.Input{Title: str(f.Title), DeliveryDate: str(f.DeliveryDate), Notes: str(f.Notes), Locale: str(f.Locale)}
	if f.Kind == sales.Quote || f.Kind == sales.SupplierQuote {
		in.ValidUntil = str(f.ValidUntil)
	}
	if sales.Payable(f.Kind) {
		in.DueDate = str(f.DueDate)
	}
	cid, err := strconv.ParseInt(f.ContactID, 10, 64)
	if f.ContactID == "" {
		fe.Add("contact_id", "required", "choose a client")
	} else if err != nil || cid <= 0 {
		fe.Add("contact_id", "not_found", "no such client")
	}
	in.ContactID = &cid
	if sales.Purchase(f.Kind) {
		// A purchase carries the supplier's number and, when recorded
		// from the supplier's paper, their date; the business's own VAT
		// choices (exemption, category, VAT on debits) are the seller's
		// business, not the buyer's.
		in.SupplierNumber = str(f.SupplierNumber)
		if sales.Recorded(f.Kind) {
			in.IssueDate = str(f.IssueDate)
		}
		if f.PaymentTerms != defaultChoice || !creating {
			in.PaymentTerms = str(f.PaymentTerms)
		}
		return in, f.lines(&in, fe)
	}
	// "default" leaves the business's default in place on a new document.
	if f.PaymentTerms != defaultChoice || !creating {
		in.PaymentTerms = str(f.PaymentTerms)
	}
	if f.Exemption != defaultChoice || !creating {
		ex := vat.Exemption(f.Exemption)
		in.Exemption = &ex
	}
	if f.Operation != defaultChoice || !creating {
		in.Operation = str(f.Operation)
	}
	if defaults := creating && f.Operation == defaultChoice; !defaults || f.VATOnDebits {
		in.VATOnDebits = &f.VATOnDebits
	}
	return in, f.lines(&in, fe)
}

// lines reads the document's discount and lines into in, adding what
// cannot be read to fe.
func (f docForm) lines(in *sales.Input, fe errs.Fields) errs.Fields {
	var err error
	pct := func(field, s string) sales.Percent {
		if s == "" {
			return 0
		}
		v, err := money.ParseDecimal(strings.TrimSuffix(strings.TrimSpace(s), "%"), 2)
		if err != nil {
			fe.Add(field, err.Error(), "not a percentage")
		}
		return sales.Percent(v)
	}
	disc := pct("discount", f.Discount)
	in.Discount = &disc
	lines := make([]sales.Line, len(f.Lines))
	for i, lf := range f.Lines {
		p := "lines." + strconv.Itoa(i) + "."
		l := sales.Line{Kind: lf.Kind, Reference: lf.Reference, Description: lf.Description, Unit: lf.Unit}
		l.OriginLineID, _ = strconv.ParseInt(lf.OriginLineID, 10, 64)
		l.ProductID, _ = strconv.ParseInt(lf.ProductID, 10, 64)
		l.DepositID, _ = strconv.ParseInt(lf.DepositID, 10, 64)
		if lf.Kind == sales.Item {
			if l.Quantity, err = measure.Parse(lf.Quantity); err != nil {
				fe.Add(p+"quantity", err.Error(), "not a quantity")
			}
			if lf.UnitPrice == "" {
				lf.UnitPrice = "0"
			}
			if l.UnitPrice, err = money.Parse(lf.UnitPrice); err != nil {
				fe.Add(p+"unit_price", err.Error(), "not an amount")
			}
			l.Discount = pct(p+"discount", lf.Discount)
			if lf.VATRate != "" {
				if l.VATRate, err = vat.ParseRate(lf.VATRate); err != nil {
					fe.Add(p+"vat_rate", err.Error(), "not a rate")
				}
			}
		}
		lines[i] = l
	}
	in.Lines = &lines
	return fe
}

type termChoice struct{ Value, Label string }

type salesEditorPage struct {
	Page
	Collection salesCollection
	Form       docForm
	Number     string
	Clients    []crm.Contact
	Errors     formErrors
	Totals     *sales.Totals
	Terms      []termChoice
	Units      []string
	Rates      []string
	Exemptions []vat.Exemption
	// Defaults is true when the viewer cannot read the sales settings: the
	// selects then offer "the business's default".
	Defaults bool
	// Products are the catalog's active products a line can be picked
	// from; MoreProducts is true when the catalog holds more than listed.
	Products     []productChoice
	MoreProducts bool
}

// maxPickerProducts bounds the products listed in the editor's picker. A
// larger catalog lists its first products by name; the others are typed on
// the line by hand.
const maxPickerProducts = 1000

// productChoice is a product offered by the line picker, its fields
// formatted as the editor's line expects them.
type productChoice struct {
	ID          int64
	Label       string // "REF — Name", what the picker shows and matches
	Reference   string
	Description string // name, then the description on the next line
	Unit        string
	Price       string // unit price excl. VAT in the page's language
	VATRate     string
	// Shown is the price shown beside the label, empty for a role that
	// does not see amounts.
	Shown string
}

// ProductLabel is the picker's text for a line's product, "" when the
// product is not among those listed.
func (p salesEditorPage) ProductLabel(id string) string {
	for _, c := range p.Products {
		if strconv.FormatInt(c.ID, 10) == id {
			return c.Label
		}
	}
	return ""
}

// productChoices lists the account's active products for the picker. A
// role without the Sales module's view right (a delivery-only role) gets
// no picker.
func (s *Server) productChoices(r *http.Request, p *salesEditorPage) error {
	active := true
	list, err := s.svc.Products(r.Context(), catalog.Filter{Active: &active, Limit: maxPickerProducts + 1})
	if errs.Is(err, errs.Forbidden) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(list) > maxPickerProducts {
		list, p.MoreProducts = list[:maxPickerProducts], true
	}
	sees := p.SeesAmounts()
	for _, prod := range list {
		if p.Collection.Purchase() {
			// Bought, not sold: the line is completed on save with the
			// supplier's price and reference (else the purchase price).
			prod.Price = prod.PurchasePrice
		}
		c := productChoice{ID: prod.ID, Label: prod.Reference + " — " + prod.Name, Reference: prod.Reference, Description: prod.Name,
			Unit: prod.Unit, Price: prod.Price.Format(p.lang), VATRate: prod.VATRate.Format(p.lang)}
		if prod.Description != "" {
			c.Description += "\n" + prod.Description
		}
		if sees && prod.Price != 0 {
			c.Shown = p.Money(prod.Price) + " / " + p.T("unit."+prod.Unit)
		}
		p.Products = append(p.Products, c)
	}
	return nil
}

// Mention is the legal mention of an exemption in the page's language.
// It takes the form's string or an exemption.
func (p salesEditorPage) Mention(e any) string { return vat.Exemption(fmt.Sprint(e)).Mention(p.lang) }

// LineErr returns the message id of the error on field of line i.
func (p salesEditorPage) LineErr(i int, field string) string {
	return p.Errors["lines."+strconv.Itoa(i)+"."+field]
}

// RateChoices are the rates offered on a line: the French ones, and the
// line's own if it is another.
func (p salesEditorPage) RateChoices(current string) []string {
	if current == "" || slices.Contains(p.Rates, current) {
		return p.Rates
	}
	return append(slices.Clone(p.Rates), current)
}

// BlankLine is the template of a new line, cloned by app.js.
func (p salesEditorPage) BlankLine() lineForm {
	rate := vat.Standard.Format(p.lang)
	if p.Form.Exemption != "" && p.Form.Exemption != defaultChoice {
		rate = vat.Zero.Format(p.lang)
	}
	return lineForm{Kind: sales.Item, Quantity: "1", Unit: "piece", VATRate: rate}
}

func (s *Server) editorPage(r *http.Request, c salesCollection, f docForm) (*salesEditorPage, error) {
	p := &salesEditorPage{Page: s.basePage(r), Collection: c, Form: f, Units: measure.Units, Exemptions: vat.Exemptions}
	for _, t := range sales.TermsChoices {
		terms, _ := sales.ParseTerms(t)
		p.Terms = append(p.Terms, termChoice{t, terms.Label(p.lang)})
	}
	if f.PaymentTerms != "" && f.PaymentTerms != defaultChoice && !slices.Contains(sales.TermsChoices, f.PaymentTerms) {
		if terms, err := sales.ParseTerms(f.PaymentTerms); err == nil {
			p.Terms = append(p.Terms, termChoice{f.PaymentTerms, terms.Label(p.lang)})
		}
	}
	for _, rt := range vat.FrenchRates {
		p.Rates = append(p.Rates, rt.Format(p.lang))
	}
	p.Defaults = f.PaymentTerms == defaultChoice
	// A purchase is made from a supplier: the picker offers them only.
	cf := crm.Filter{Limit: 500}
	if c.Purchase() {
		cf.Role = "supplier"
	}
	clients, err := s.svc.Contacts(r.Context(), cf)
	if err != nil {
		return nil, err
	}
	if id, _ := strconv.ParseInt(f.ContactID, 10, 64); id != 0 && !slices.ContainsFunc(clients, func(c crm.Contact) bool { return c.ID == id }) {
		if c, err := s.svc.Contact(r.Context(), id); err == nil {
			clients = append(clients, c)
		}
	}
	p.Clients = clients
	if err := s.productChoices(r, p); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) salesNew(c salesCollection) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := access.Require(r.Context(), access.Module(c.Module()), access.Create); err != nil {
			return err
		}
		lang := negotiate(r)
		f := docForm{Kind: c.Kind, Locale: lang, ContactID: r.URL.Query().Get("contact")}
		if v := viewerFrom(r.Context()); v != nil && v.Account.Locale != "" {
			f.Locale = v.Account.Locale
		}
		st, err := s.svc.SalesSettings(r.Context())
		switch {
		case errs.Is(err, errs.Forbidden):
			f.PaymentTerms, f.Exemption, f.Operation = defaultChoice, defaultChoice, defaultChoice
		case err != nil:
			return err
		default:
			f.PaymentTerms, f.Exemption, f.Operation, f.VATOnDebits = st.PaymentTerms, string(st.Exemption), st.Operation, st.VATOnDebits
		}
		if c.Purchase() {
			// The business's own VAT choices say nothing of its suppliers'.
			f.Exemption, f.Operation, f.VATOnDebits = "", "", false
		}
		p, err := s.editorPage(r, c, f)
		if err != nil {
			return err
		}
		p.Form.Lines = []lineForm{p.BlankLine()}
		return s.render(w, r, "sales_editor", p)
	}
}

func (s *Server) salesEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	if !v.IsDraft() || !canonical(r, v.Kind) {
		return redirectAfterPost(w, r, documentPath(v.Kind, v.ID))
	}
	p, err := s.editorPage(r, collectionOf(v.Kind), formOfDocument(v.Document, negotiate(r)))
	if err != nil {
		return err
	}
	t := v.Compute()
	p.Totals = &t
	if len(p.Form.Lines) == 0 {
		p.Form.Lines = []lineForm{p.BlankLine()}
	}
	return s.render(w, r, "sales_editor", p)
}

// salesCreate and salesUpdate save the editor; on invalid input the form
// comes back as typed with each error next to its field.
func (s *Server) salesCreate(c salesCollection) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f := readDocForm(r)
		f.Kind = c.Kind
		return s.saveDocument(w, r, c, f, 0)
	}
}

func (s *Server) salesUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	before, err := s.svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	f := readDocForm(r)
	f.ID, f.Kind, f.OriginID = id, before.Kind, before.OriginID
	return s.saveDocument(w, r, collectionOf(before.Kind), f, id)
}

func (s *Server) saveDocument(w http.ResponseWriter, r *http.Request, c salesCollection, f docForm, id int64) error {
	in, fe := f.input(id == 0)
	var (
		d   sales.Document
		err = fe.Err("web.saveDocument")
	)
	if err == nil {
		if id == 0 {
			kind := c.Kind
			in.Kind = &kind
			d, err = s.svc.CreateDocument(r.Context(), in)
		} else {
			d, err = s.svc.UpdateDocument(r.Context(), id, in)
		}
	} else {
		// Also report what the domain would refuse, so that one round
		// shows every problem.
		probe := sales.Document{Kind: f.Kind, Locale: "fr"}
		in.Apply(&probe)
		if verr := probe.Validate(); verr != nil {
			for _, e := range errs.FieldsOf(verr) {
				if !fe.Has(e.Field) {
					fe = append(fe, e)
				}
			}
		}
		err = fe.Err("web.saveDocument")
	}
	if errs.Is(err, errs.Invalid) && len(errs.FieldsOf(err)) > 0 {
		p, perr := s.editorPage(r, c, f)
		if perr != nil {
			return perr
		}
		p.Errors = salesErrors(err)
		if len(p.Form.Lines) == 0 {
			p.Form.Lines = []lineForm{p.BlankLine()}
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "sales_editor", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, documentPath(d.Kind, d.ID)+"?notice=saved")
}

// salesErrors maps fields to sales.error.<code> messages: the sales
// codes (too_large, zero…) mean other things than the generic ones.
func salesErrors(err error) formErrors {
	fe := formErrors{}
	for _, f := range errs.FieldsOf(err) {
		if _, seen := fe[f.Field]; !seen {
			fe[f.Field] = "sales.error." + f.Code
		}
	}
	return fe
}

// issueProblem is one thing to fill in before a document can be issued,
// with where to do it.
type issueProblem struct {
	Field   string
	Message string // message id
	Link    string
	Where   string // message id of the link
}

// docAction is a button that derives a document.
type docAction struct {
	Kind      string // order, delivery, invoice, deposit, credit, purchase_order, receipt, bill, duplicate
	Delivered bool
	Received  bool   // a bill of what was received
	Label     string // message id
}

type salesDocPage struct {
	Page
	Doc         service.DocumentView
	Collection  salesCollection
	Totals      sales.Totals
	Ancestors   []sales.Document // oldest first
	Children    []salesRow
	Problems    []issueProblem
	ActionError string
	CanEdit     bool
	CanDelete   bool
	CanIssue    bool
	CanDecide   bool
	CanCancel   bool
	Derive      []docAction
	Deposit     bool
	DepositPct  string
	Extras      docExtras
	// CanConfirm: a sent purchase order the supplier may acknowledge.
	CanConfirm bool
	// CanClose: a partly received purchase order whose rest will not come.
	CanClose bool
	// Attachments are a purchase document's files; CanAttach and
	// CanDetach say whether files can be added and removed (drafts only),
	// FileError the message id of an upload's refusal.
	Attachments []sales.Attachment
	CanAttach   bool
	CanDetach   bool
	FileError   string
}

// Lines are the document's lines as shown: a delivery note leaves out the
// section headings with no item under them.
func (p salesDocPage) Lines() []sales.Line {
	if p.Doc.Kind == sales.Delivery {
		return sales.DropEmptySections(p.Doc.Lines)
	}
	return p.Doc.Lines
}

// Mention is the exemption's legal mention in the document's language.
func (p salesDocPage) Mention() string { return p.Doc.Exemption.Mention(p.Doc.Locale) }

// TermsLabel is the payment terms in the page's language.
func (p salesDocPage) TermsLabel() string {
	t, err := sales.ParseTerms(p.Doc.PaymentTerms)
	if err != nil {
		return p.Doc.PaymentTerms
	}
	return t.Label(p.lang)
}

func (s *Server) documentPage(r *http.Request, id int64) (*salesDocPage, error) {
	v, err := s.svc.Document(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := &salesDocPage{Page: s.basePage(r), Doc: v, Collection: collectionOf(v.Kind), Totals: v.Compute(), DepositPct: "30"}
	// The chain: the origins up to the first document, then the children.
	for o := v.Origin; o != nil && len(p.Ancestors) < 10; {
		p.Ancestors = append([]sales.Document{*o}, p.Ancestors...)
		if o.OriginID == 0 {
			break
		}
		up, err := s.svc.Document(r.Context(), o.OriginID)
		if err != nil {
			break // out of the viewer's sight
		}
		doc := up.Document
		o = &doc
	}
	today := s.today(p.Page)
	for _, k := range v.Children {
		p.Children = append(p.Children, salesRow{Document: k, Shown: k.Shown(today)})
	}
	if err := s.addExtras(r, p); err != nil {
		return nil, err
	}
	m := p.Collection.Module()
	if v.IsDraft() {
		p.CanEdit, p.CanDelete, p.CanIssue = p.Can(m, "edit"), p.Can(m, "delete"), p.Can(m, "issue")
		return p, nil
	}
	if v.Purchase() {
		purchaseActions(p)
		return p, nil
	}
	p.CanDecide = v.Kind == sales.Quote && v.Status == sales.Issued && p.Can(m, "edit")
	p.CanCancel = p.Can(m, "edit") && ((v.Kind == sales.Quote && (v.Status == sales.Issued || v.Status == sales.Accepted)) ||
		(v.Kind == sales.Order && v.Status == sales.Issued))
	for _, a := range []docAction{{Kind: sales.Order, Label: "sales.make.order"}, {Kind: sales.Delivery, Label: "sales.make.delivery"},
		{Kind: sales.Invoice, Label: "sales.make.invoice"}, {Kind: sales.Invoice, Delivered: true, Label: "sales.make.invoice_delivered"},
		{Kind: sales.Credit, Label: "sales.make.credit"}} {
		if sales.CanDerive(v.Document, a.Kind) != nil || !p.Can(collectionOf(a.Kind).Module(), "create") {
			continue
		}
		if a.Delivered && !slices.ContainsFunc(v.Children, func(d sales.Document) bool { return d.Kind == sales.Delivery && d.Status != sales.Draft }) {
			continue
		}
		p.Derive = append(p.Derive, a)
	}
	p.Deposit = sales.CanDerive(v.Document, sales.Deposit) == nil && p.Can("sales", "create")
	return p, nil
}

// DuplicateOK reports whether the document can be copied as a new draft.
func (p salesDocPage) DuplicateOK() bool {
	return p.Doc.Kind != sales.Credit && p.Doc.Kind != sales.Receipt && p.Can(p.Collection.Module(), "create")
}

func (s *Server) salesShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.documentPage(r, id)
	if err != nil {
		return err
	}
	if !canonical(r, p.Doc.Kind) {
		// A document's page lives under its menu: a link that names the
		// other one (an old bookmark) lands there. Not a permanent
		// redirect: a member of several accounts meets other documents
		// under the same path.
		http.Redirect(w, r, documentPath(p.Doc.Kind, id), http.StatusFound)
		return nil
	}
	return s.render(w, r, "sales_document", p)
}

// showActionError renders the document page again with why an action
// failed: the legal checks of an issue, or the refusal of a step.
func (s *Server) showActionError(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	kind := errs.KindOf(err)
	if kind != errs.Invalid && kind != errs.Conflict {
		return err
	}
	p, perr := s.documentPage(r, id)
	if perr != nil {
		return perr
	}
	for _, f := range errs.FieldsOf(err) {
		p.Problems = append(p.Problems, issueProblemOf(f, p.Doc.Document))
	}
	if len(p.Problems) == 0 {
		p.ActionError = errs.MessageOf(err)
	}
	s.renderPage(w, r, statusOf[kind], "sales_document", p)
	return nil
}

// issueProblemOf says what is missing and links to where it is filled in.
func issueProblemOf(f errs.FieldError, d sales.Document) issueProblem {
	p := issueProblem{Field: f.Field, Message: "sales.issue." + f.Field}
	if id, ok := purchaseIssueProblems[f.Field+"."+f.Code]; ok {
		// The supplier's number and date, written from their paper.
		return issueProblem{Field: f.Field, Message: id, Link: documentPath(d.Kind, d.ID) + "/edit", Where: "sales.where.edit"}
	}
	switch {
	case strings.HasPrefix(f.Field, "seller."):
		p.Link, p.Where = "/settings/account", "sales.where.account"
	case strings.HasPrefix(f.Field, "buyer."):
		p.Link, p.Where = "/contacts/"+strconv.FormatInt(d.ContactID, 10), "sales.where.client"
	case strings.HasPrefix(f.Field, "settings."):
		p.Link, p.Where = "/settings/sales", "sales.where.settings"
	case f.Field == "origin_id":
	default:
		if !knownIssueFields[f.Field] {
			p.Message = "sales.issue.field"
		}
		p.Link, p.Where = documentPath(d.Kind, d.ID)+"/edit", "sales.where.edit"
	}
	if strings.HasPrefix(f.Field, "seller.") || strings.HasPrefix(f.Field, "buyer.") || strings.HasPrefix(f.Field, "settings.") {
		if !knownIssueFields[f.Field] {
			p.Message = "sales.issue.field"
		}
	}
	return p
}

var knownIssueFields = map[string]bool{"seller.name": true, "seller.address": true, "lines": true, "buyer.name": true, "seller.siret": true,
	"seller.legal_form": true, "seller.share_capital": true, "seller.rcs_city": true, "seller.vat_number": true, "buyer.address": true,
	"buyer.vat_number": true, "buyer.siren": true, "operation": true, "payment_terms": true, "settings.late_penalty_rate": true, "origin_id": true}

func (s *Server) salesDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteDocument(r.Context(), id); err != nil {
		return s.showActionError(w, r, id, err)
	}
	return redirectAfterPost(w, r, collectionOf(v.Kind).Path()+"?notice=deleted")
}

// documentAction runs a one-click action on the document of the path,
// then shows the document again, with the action's refusal if any.
func (s *Server) documentAction(act func(r *http.Request, id int64) (sales.Document, error), notice, fragment string) handlerFunc {
	return s.documentChange(act, func(sales.Document) string { return notice + fragment })
}

// documentChange runs a one-click change of a document's state, then
// shows the document again with a notice saying what happened (given by
// notice from the changed document), or with the refusal.
func (s *Server) documentChange(act func(r *http.Request, id int64) (sales.Document, error), notice func(d sales.Document) string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		d, err := act(r, id)
		if err != nil {
			return s.showActionError(w, r, id, err)
		}
		return redirectAfterPost(w, r, documentPath(d.Kind, id)+"?notice="+notice(d))
	}
}

func (s *Server) salesIssue(r *http.Request, id int64) (sales.Document, error) {
	return s.svc.Issue(r.Context(), id)
}

// issuedNotice is "Facture émise", "Devis émis"…
func issuedNotice(d sales.Document) string { return "issued_" + d.Kind }

// decidedNotice is "Devis accepté" or "Devis refusé".
func decidedNotice(d sales.Document) string { return d.Status }

// cancelledNotice is "Devis annulé", "Commande annulée", or "Document annulé".
func cancelledNotice(d sales.Document) string {
	if d.Kind == sales.Quote || d.Kind == sales.Order || d.Kind == sales.PurchaseOrder || d.Kind == sales.Bill || d.Kind == sales.Receipt {
		return "cancelled_" + d.Kind
	}
	return "cancelled"
}

func (s *Server) salesDecide(r *http.Request, id int64) (sales.Document, error) {
	return s.svc.Decide(r.Context(), id, r.PostFormValue("status"))
}

func (s *Server) salesCancel(r *http.Request, id int64) (sales.Document, error) {
	return s.svc.Cancel(r.Context(), id)
}

func (s *Server) salesDerive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in := service.DeriveInput{Kind: r.PostFormValue("kind"), Delivered: r.PostFormValue("delivered") != "", Received: r.PostFormValue("received") != ""}
	if in.Kind == sales.Deposit {
		v, err := money.ParseDecimal(strings.TrimSuffix(strings.TrimSpace(r.PostFormValue("deposit")), "%"), 2)
		if err != nil {
			v = -1 // the service says what a deposit is
		}
		in.Deposit = sales.Percent(v)
	}
	d, err := s.svc.Derive(r.Context(), id, in)
	if err != nil {
		return s.showActionError(w, r, id, err)
	}
	return redirectAfterPost(w, r, documentPath(d.Kind, d.ID)+"?notice=created")
}

func (s *Server) routesForSales(mux *patternMux) {
	mux.Handle("GET /sales", s.user(func(w http.ResponseWriter, r *http.Request) error {
		// The first list the viewer may see: a warehouse role sees only
		// delivery notes.
		if !access.From(r.Context()).Can(access.Sales, access.View) {
			return redirectAfterPost(w, r, "/sales/deliveries")
		}
		return redirectAfterPost(w, r, "/sales/quotes")
	}))
	mux.Handle("GET /purchases", s.user(func(w http.ResponseWriter, r *http.Request) error {
		return redirectAfterPost(w, r, purchaseCollections[0].Path())
	}))
	// The Sales and the Purchases menus: the same lists, editor and
	// document pages, each under its own path.
	for _, c := range slices.Concat(salesCollections, purchaseCollections) {
		mux.Handle("GET "+c.Path(), s.user(s.salesList(c)))
		mux.Handle("GET "+c.Path()+"/export.csv", s.user(s.documentExport(c)))
		if c.Creatable() {
			mux.Handle("GET "+c.Path()+"/new", s.user(s.salesNew(c)))
			mux.Handle("POST "+c.Path(), s.user(s.salesCreate(c)))
		}
	}
	for _, base := range []string{"/sales", "/purchases"} {
		mux.Handle("GET "+base+"/documents/{id}", s.user(s.salesShow))
		mux.Handle("GET "+base+"/documents/{id}/edit", s.user(s.salesEdit))
		mux.Handle("POST "+base+"/documents/{id}", s.user(s.salesUpdate))
		mux.Handle("POST "+base+"/documents/{id}/delete", s.user(s.salesDelete))
		mux.Handle("POST "+base+"/documents/{id}/issue", s.user(s.documentChange(s.salesIssue, issuedNotice)))
		mux.Handle("POST "+base+"/documents/{id}/decide", s.user(s.documentChange(s.salesDecide, decidedNotice)))
		mux.Handle("POST "+base+"/documents/{id}/cancel", s.user(s.documentChange(s.salesCancel, cancelledNotice)))
		mux.Handle("POST "+base+"/documents/{id}/derive", s.user(s.salesDerive))
	}
	mux.Handle("GET /settings/sales", s.user(s.salesSettingsForm))
	mux.Handle("POST /settings/sales", s.user(s.salesSettingsSave))
}
