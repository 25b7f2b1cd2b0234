package web

import (
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
)

// The Purchases menu is the Sales machinery seen from the other side:
// its lists, editor and document pages are the sales ones (sales.go,
// sales_extras.go), under /purchases. What only purchases have is here:
// a purchase order's confirmation, the files attached to a document, the
// bills left to pay, a supplier's statement and their purchases on the
// contact page.

// routesForPurchases are the purchase screens beyond the shared ones.
func (s *Server) routesForPurchases(mux *patternMux) {
	mux.Handle("GET /purchases/to-pay", s.user(s.toPayPage))
	mux.Handle("POST /purchases/documents/{id}/close", s.user(s.documentChange(s.purchaseClose, func(sales.Document) string { return "closed" })))
	mux.Handle("POST /purchases/documents/{id}/confirm", s.user(s.documentChange(s.purchaseConfirm, func(sales.Document) string { return "confirmed" })))
	mux.Handle("POST /purchases/documents/{id}/files", s.user(s.attachFile))
	mux.Handle("GET /purchases/documents/{id}/files/{file}", s.user(s.openFile))
	mux.Handle("POST /purchases/documents/{id}/files/{file}/delete", s.user(s.detachFile))
	mux.Handle("GET /contacts/{id}/supplier-statement", s.user(s.supplierStatement))
}

// canonical reports whether the request's path is under the menu a
// document of kind belongs to.
func canonical(r *http.Request, kind string) bool {
	return strings.HasPrefix(r.URL.Path, documentBase(kind)+"/")
}

// sendable reports whether the send form is offered for d: an issued
// document, or a draft purchase order, which sending issues. A supplier's
// quote or bill came from the supplier and is never sent.
func sendable(d sales.Document) bool {
	return !sales.Recorded(d.Kind) && (!d.IsDraft() || d.Kind == sales.PurchaseOrder)
}

// mailFieldsOnly reports whether err is about the e-mail's own fields,
// shown on the send form; a draft purchase order that sending could not
// issue (the business's address missing) is shown on its page instead,
// with where to fill in what it lacks.
func mailFieldsOnly(err error) bool {
	fields := errs.FieldsOf(err)
	for _, f := range fields {
		if f.Field != "to" && f.Field != "subject" && f.Field != "body" {
			return false
		}
	}
	return len(fields) > 0
}

// ExportStatus is the list's status filter as the export takes it ("" for
// a status the export does not filter by).
func (p salesListPage) ExportStatus() string {
	if slices.Contains(documentStatuses, p.Status) {
		return p.Status
	}
	return ""
}

// purchaseIssueProblems name what a purchase document lacks to be
// recorded, by field and code.
var purchaseIssueProblems = map[string]string{
	"supplier_number.required":  "purchases.issue.supplier_number",
	"supplier_number.duplicate": "purchases.issue.supplier_number_duplicate",
	"issue_date.required":       "purchases.issue.issue_date",
	"issue_date.in_future":      "purchases.issue.issue_date_future",
	"due_date.before_issue":     "purchases.issue.due_date_before",
}

// The labels of the dates and numbers whose meaning depends on the kind.
func supplierNumberLabel(kind string) string { return "purchases.supplier_number." + kind }

func issueDateLabel(kind string) string {
	if sales.Recorded(kind) {
		return "purchases.supplier_date." + kind
	}
	return "sales.issue_date"
}

func deliveryDateLabel(kind string) string {
	switch kind {
	case sales.PurchaseOrder:
		return "purchases.expected_date"
	case sales.Receipt:
		return "purchases.received_date"
	}
	return "sales.delivery_date"
}

// SupplierNumberLabel and the others name the document's fields.
func (p salesDocPage) SupplierNumberLabel() string { return supplierNumberLabel(p.Doc.Kind) }
func (p salesDocPage) IssueDateLabel() string      { return issueDateLabel(p.Doc.Kind) }
func (p salesDocPage) DeliveryDateLabel() string   { return deliveryDateLabel(p.Doc.Kind) }

// IssueLabel is the issue button's message id: a purchase order is marked
// as sent, a receipt validated, a supplier's quote or bill recorded.
func (p salesDocPage) IssueLabel() string {
	if p.Doc.Purchase() {
		return "purchases.issue." + p.Doc.Kind
	}
	return "sales.issue"
}

// Printable reports whether the document has a PDF of the business's
// own: not a supplier's quote or bill, which are the supplier's papers.
func (p salesDocPage) Printable() bool { return !sales.Recorded(p.Doc.Kind) }

func (p salesEditorPage) SupplierNumberLabel() string { return supplierNumberLabel(p.Form.Kind) }
func (p salesEditorPage) IssueDateLabel() string      { return issueDateLabel(p.Form.Kind) }
func (p salesEditorPage) DeliveryDateLabel() string   { return deliveryDateLabel(p.Form.Kind) }

// Recorded reports whether the document is copied from a supplier's
// paper, with their date; Payable whether it has a due date.
func (p salesEditorPage) Recorded() bool { return sales.Recorded(p.Form.Kind) }
func (p salesEditorPage) Payable() bool  { return sales.Payable(p.Form.Kind) }

// FileSize writes a file's size in the page's language: "840 o", "12 Ko",
// "1,5 Mo" ("B", "KB", "MB" in English).
func (p Page) FileSize(n int64) string {
	b, kb, mb := "o", "Ko", "Mo"
	if p.lang == "en" {
		b, kb, mb = "B", "KB", "MB"
	}
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + "\u00a0" + b
	case n < 1<<20:
		return strconv.FormatInt((n+1023)/1024, 10) + "\u00a0" + kb
	}
	tenths := (n*10 + 1<<20 - 1) >> 20
	s := strconv.FormatInt(tenths/10, 10)
	if tenths%10 != 0 {
		sep := ","
		if p.lang == "en" {
			sep = "."
		}
		s += sep + strconv.FormatInt(tenths%10, 10)
	}
	return s + "\u00a0" + mb
}

// FileType names a file's media type shortly: PDF, PNG, JPEG.
func (Page) FileType(mediaType string) string {
	switch mediaType {
	case "application/pdf":
		return "PDF"
	case "image/png":
		return "PNG"
	case "image/jpeg":
		return "JPEG"
	}
	return mediaType
}

// purchaseActions fills what can be done with an issued purchase
// document: a supplier's quote accepted, refused or ordered; a purchase
// order confirmed, received, billed or cancelled; a bill cancelled while
// nothing was paid on it.
func purchaseActions(p *salesDocPage) {
	v := p.Doc
	m := p.Collection.Module()
	edit := p.Can(m, "edit")
	switch v.Kind {
	case sales.SupplierQuote:
		p.CanDecide = edit && v.Status == sales.Issued
		p.CanCancel = edit && (v.Status == sales.Issued || v.Status == sales.Accepted)
	case sales.PurchaseOrder:
		p.CanConfirm = edit && v.Status == sales.Sent
		p.CanClose = edit && v.Status == sales.PartReceived
		p.CanCancel = edit && (v.Status == sales.Sent || v.Status == sales.Confirmed)
	case sales.Bill:
		p.CanCancel = edit && v.Status == sales.Issued && v.Paid == 0
	case sales.Receipt:
		p.CanCancel = edit && v.Status == sales.Issued // recorded by mistake
	}
	if !p.Can(m, "create") {
		return
	}
	live := func(kind string) bool {
		return slices.ContainsFunc(v.Children, func(d sales.Document) bool { return d.Kind == kind && d.Status != sales.Cancelled })
	}
	received := slices.ContainsFunc(v.Children, func(d sales.Document) bool {
		return d.Kind == sales.Receipt && d.Status != sales.Draft && d.Status != sales.Cancelled
	})
	// What is left to bill: what was received and not billed when
	// something was received, else what was ordered and not billed.
	toBill := v.Match == nil
	if v.Match != nil {
		for _, l := range v.Match.Lines {
			if (received && l.Received > l.Billed) || (!received && l.Ordered > l.Billed) {
				toBill = true
			}
		}
	}
	for _, a := range []docAction{{Kind: sales.PurchaseOrder, Label: "purchases.make.purchase_order"},
		{Kind: sales.Receipt, Label: "purchases.make.receipt"}, {Kind: sales.Bill, Received: received, Label: "purchases.make.bill"}} {
		if sales.CanDerive(v.Document, a.Kind) != nil {
			continue
		}
		switch {
		case a.Kind == sales.PurchaseOrder && live(sales.PurchaseOrder),
			a.Kind == sales.Receipt && v.Status == sales.Received,
			a.Kind == sales.Bill && !toBill:
			continue
		}
		p.Derive = append(p.Derive, a)
	}
}

func (s *Server) purchaseClose(r *http.Request, id int64) (sales.Document, error) {
	return s.svc.Close(r.Context(), id)
}

func (s *Server) purchaseConfirm(r *http.Request, id int64) (sales.Document, error) {
	return s.svc.Confirm(r.Context(), id, strings.TrimSpace(r.PostFormValue("supplier_number")))
}

// addAttachments lists a purchase document's files.
func (s *Server) addAttachments(r *http.Request, p *salesDocPage) error {
	list, err := s.svc.Attachments(r.Context(), p.Doc.ID)
	if err != nil {
		return err
	}
	p.Attachments = list
	p.CanAttach = p.Can(p.Collection.Module(), "edit")
	p.CanDetach = p.CanAttach && p.Doc.IsDraft()
	return nil
}

// attachFile keeps an uploaded file (a supplier's bill, a delivery slip)
// with the document. The body is bounded a little above the largest file
// the service accepts, so that the service is the one to say "too large"
// for what fits, and the request is cut short for what does not.
func (s *Server) attachFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxAttachment+256<<10)
	file, header, err := r.FormFile("file")
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		err = fileFieldError("too_large")
	case err != nil:
		err = fileFieldError("no_file")
	default:
		defer func() { _ = file.Close() }()
		_, err = s.svc.AttachFile(r.Context(), id, header.Filename, file)
	}
	if errs.Is(err, errs.Invalid) && len(errs.FieldsOf(err)) > 0 {
		p, perr := s.documentPage(r, id)
		if perr != nil {
			return perr
		}
		p.FileError = "purchases.file_error." + errs.FieldsOf(err)[0].Code
		s.renderPage(w, r, http.StatusUnprocessableEntity, "sales_document", p)
		return nil
	}
	if err != nil {
		return s.showActionError(w, r, id, err)
	}
	return redirectAfterPost(w, r, documentPath(v.Kind, id)+"?notice=file_attached#document-files")
}

func fileFieldError(code string) error {
	return &errs.Error{Op: "web.attachFile", Kind: errs.Invalid, Message: "the file was not attached",
		Fields: []errs.FieldError{{Field: "file", Code: code}}}
}

// openFile sends an attached file as it was kept: its media type, never
// sniffed, never run (a sandbox policy), as a download unless ?inline=1
// asks to view a PDF or an image in the browser. The sandbox allows
// downloads: Chromium refuses to save a response whose own policy is a
// bare sandbox.
func (s *Server) openFile(w http.ResponseWriter, r *http.Request) error {
	id, fileID, err := attachmentPath(r)
	if err != nil {
		return err
	}
	a, data, err := s.svc.OpenAttachment(r.Context(), id, fileID)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if r.URL.Query().Get("inline") == "1" && viewable(a.MediaType) {
		disposition = "inline"
	}
	serveAttachment(w, a, data, disposition)
	return nil
}

// serveAttachment writes an attached file for the page and the API alike:
// its own media type (one the store recognised, else a plain byte
// stream), never sniffed, under a sandbox policy so that nothing in it
// runs, its name encoded for the header, and not kept in caches.
func serveAttachment(w http.ResponseWriter, a sales.Attachment, data []byte, disposition string) {
	typ := a.MediaType
	if !viewable(typ) {
		typ = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("Content-Disposition", contentDisposition(disposition, a.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox allow-downloads")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// viewable reports whether a browser may show a file of mediaType itself.
func viewable(mediaType string) bool {
	return mediaType == "application/pdf" || mediaType == "image/png" || mediaType == "image/jpeg"
}

// contentDisposition names a file for the browser: an ASCII filename for
// old clients, and the exact UTF-8 name as RFC 6266's filename*.
func contentDisposition(disposition, name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	v := mime.FormatMediaType(disposition, map[string]string{"filename": ascii})
	if v == "" {
		v = disposition
	}
	return v + "; filename*=UTF-8''" + encodeRFC5987(name)
}

// encodeRFC5987 percent-encodes every byte outside RFC 5987's attr-char.
func encodeRFC5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// detachFile removes a file from a draft.
func (s *Server) detachFile(w http.ResponseWriter, r *http.Request) error {
	id, fileID, err := attachmentPath(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteAttachment(r.Context(), id, fileID); err != nil {
		return s.showActionError(w, r, id, err)
	}
	return redirectAfterPost(w, r, documentPath(v.Kind, id)+"?notice=file_deleted#document-files")
}

// toPayPage is the list of the suppliers' bills left to pay.
type toPayPage struct {
	Page
	Collections []salesCollection
	ToPay       service.ToPay
	Week        string // the last day of the week ahead
	BankColumn  bool   // some bill shows the supplier's bank details
}

// DueSoon reports whether a bill falls due within the week ahead.
func (p toPayPage) DueSoon(b service.ToPayBill) bool {
	return b.Shown != sales.Overdue && b.DueDate != "" && b.DueDate <= p.Week
}

func (s *Server) toPayPage(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.ToPay(r.Context())
	if err != nil {
		return err
	}
	p := &toPayPage{Page: s.basePage(r), Collections: purchaseCollections, ToPay: list}
	if today, err := time.Parse(time.DateOnly, list.Today); err == nil {
		p.Week = today.AddDate(0, 0, 7).Format(time.DateOnly)
	}
	p.BankColumn = slices.ContainsFunc(list.Bills, func(b service.ToPayBill) bool { return b.IBAN != "" || b.BIC != "" })
	return s.render(w, r, "purchases_to_pay", p)
}

// supplierStatementPage is a supplier's statement: their bills and the
// payments made to them, with what is left to pay.
type supplierStatementPage struct {
	Page
	Statement service.Statement
	Errors    formErrors
}

// RowKind is the message id naming a statement row.
func (supplierStatementPage) RowKind(kind string) string {
	if kind == "payment" {
		return "purchases.statement.payment"
	}
	return "sales.kind." + kind
}

// RowLabel is a statement row's label, a payment's method in words.
func (p supplierStatementPage) RowLabel(r service.StatementRow) string {
	if r.Kind != "payment" {
		return r.Label
	}
	method, rest, _ := strings.Cut(r.Label, " ")
	if !slices.Contains(sales.Methods, method) {
		return r.Label
	}
	return strings.TrimSpace(p.T("sales.method."+method) + " " + rest)
}

func (s *Server) supplierStatement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from, to := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	st, err := s.svc.SupplierStatement(r.Context(), id, from, to)
	if errs.Is(err, errs.Invalid) && len(errs.FieldsOf(err)) > 0 {
		// The dates as typed, with what is wrong with them.
		c, cerr := s.svc.Contact(r.Context(), id)
		if cerr != nil {
			return cerr
		}
		st = service.Statement{ContactID: id, ContactName: c.DisplayName(), From: from, To: to}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "supplier_statement", &supplierStatementPage{Page: s.basePage(r), Statement: st, Errors: salesErrors(err)})
		return nil
	}
	if err != nil {
		return err
	}
	return s.render(w, r, "supplier_statement", &supplierStatementPage{Page: s.basePage(r), Statement: st})
}

// supplierPurchases is the purchases part of a supplier's record.
type supplierPurchases struct {
	Documents []salesRow
	Payments  []sales.Payment // newest first
	Owed      money.Amount    // left to pay on their bills
	Overdue   money.Amount
	OpenBills int
	Advance   money.Amount // paid to them beyond their bills
	CanCreate bool
	CanBill   bool
}

// maxSupplierPayments bounds the payments listed on a supplier's record;
// the statement has them all.
const maxSupplierPayments = 10

// addSupplierPurchases fills a supplier's purchase documents, the
// payments made to them and what is owed, for those who see purchases.
func (s *Server) addSupplierPurchases(r *http.Request, p *contactPage, c crm.Contact) error {
	if !c.IsSupplier || !p.Can("purchases", "view") {
		return nil
	}
	ctx := r.Context()
	today := s.today(p.Page)
	docs, err := s.svc.Documents(ctx, sales.Filter{Kinds: sales.PurchaseKinds, ContactID: c.ID, Today: today, Limit: 20})
	if err != nil {
		return err
	}
	sp := &supplierPurchases{CanCreate: p.Can("purchases", "create")}
	for _, d := range docs {
		sp.Documents = append(sp.Documents, salesRow{Document: d, Shown: d.Shown(today)})
	}
	bills, err := s.svc.Documents(ctx, sales.Filter{Kinds: []string{sales.Bill}, Status: "unpaid", ContactID: c.ID, Today: today, Limit: 500})
	if err != nil {
		return err
	}
	for _, b := range bills {
		if b.Balance() <= 0 {
			continue
		}
		sp.Owed += b.Balance()
		sp.OpenBills++
		if b.Shown(today) == sales.Overdue {
			sp.Overdue += b.Balance()
		}
	}
	payments, err := s.svc.SupplierPayments(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, pay := range payments {
		sp.Advance += pay.Credit()
	}
	slices.Reverse(payments)
	sp.Payments = payments[:min(len(payments), maxSupplierPayments)]
	p.Purchases = sp
	return nil
}

// timelineLinks finds the page of each document the timeline names (an
// order sent, a receipt, a bill, a payment), under its own menu.
func (s *Server) timelineLinks(r *http.Request, p *contactPage) {
	for _, c := range p.Timeline {
		if c.DocumentID == 0 {
			continue
		}
		if _, seen := p.DocPaths[c.DocumentID]; seen {
			continue
		}
		if p.DocPaths == nil {
			p.DocPaths = map[int64]string{}
		}
		// A document out of the viewer's sight is named, not linked.
		kind, err := s.svc.DocumentKind(r.Context(), c.DocumentID)
		if err != nil {
			p.DocPaths[c.DocumentID] = ""
			continue
		}
		p.DocPaths[c.DocumentID] = documentPath(kind, c.DocumentID)
		if sales.Purchase(kind) {
			if p.PurchaseDocs == nil {
				p.PurchaseDocs = map[int64]bool{}
			}
			p.PurchaseDocs[c.DocumentID] = true
		}
	}
}
