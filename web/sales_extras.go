package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
)

// routesForSalesExtras are the sales screens over what the service does
// beyond the editor and the flow: the PDF, sending by e-mail, payments,
// reminders, the client's statement and the dashboard.
func (s *Server) routesForSalesExtras(mux *patternMux) {
	mux.Handle("GET /sales/dashboard", s.user(s.salesDashboard))
	mux.Handle("GET /sales/reminders", s.user(s.remindersPage))
	mux.Handle("POST /sales/reminders/send-all", s.user(s.remindersSendAll))
	// The PDF, the e-mail and the payments, for sales and purchases alike
	// (a supplier's bill is paid out; a purchase order is e-mailed).
	for _, base := range []string{"/sales", "/purchases"} {
		mux.Handle("GET "+base+"/documents/{id}/pdf", s.user(s.documentPDF))
		mux.Handle("GET "+base+"/documents/{id}/send", s.user(s.sendForm))
		mux.Handle("POST "+base+"/documents/{id}/send", s.user(s.sendDocument))
		mux.Handle("POST "+base+"/documents/{id}/payments", s.user(s.recordPayment))
		mux.Handle("POST "+base+"/documents/{id}/apply-credit", s.user(s.documentAction(s.applyCredit, "payment_recorded", "#document-payments")))
		mux.Handle("POST "+base+"/payments/{id}/delete", s.user(s.deletePayment))
	}
	// Reminders chase clients only.
	mux.Handle("POST /sales/documents/{id}/remind", s.user(s.sendReminder))
	mux.Handle("POST /sales/documents/{id}/dunning", s.user(s.documentAction(s.pauseDunning, "saved", "#document-reminders")))
	mux.Handle("POST /contacts/{id}/dunning", s.user(s.pauseClientDunning))
	mux.Handle("GET /contacts/{id}/statement.pdf", s.user(s.statementPDF))
}

// sendPDF answers a PDF file, as an attachment or, with ?inline=1, to be
// shown (and printed) by the browser.
func sendPDF(w http.ResponseWriter, r *http.Request, data []byte, name string) error {
	disposition := "attachment"
	if r.URL.Query().Get("inline") == "1" {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
	return nil
}

func (s *Server) documentPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	data, name, err := s.svc.DocumentPDF(r.Context(), id)
	if err != nil {
		return err
	}
	return sendPDF(w, r, data, name)
}

func (s *Server) statementPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	data, name, err := s.svc.StatementPDF(r.Context(), id, strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to")))
	if err != nil {
		return err
	}
	return sendPDF(w, r, data, name)
}

// payForm is the payment form as typed.
type payForm struct {
	Date, Amount, Method, Reference, Note string
}

// docExtras is what the document page shows beyond the document: the
// e-mail, the payments and the reminders.
type docExtras struct {
	CanSend bool
	// SendDraft is a draft purchase order, which sending issues.
	SendDraft bool
	// Payable is an issued invoice or deposit invoice; Open one with
	// something left to pay.
	Payable   bool
	Open      bool
	CanPay    bool
	Payments  []sales.Allocation
	PayForm   payForm
	PayErrors formErrors
	Methods   []string
	Credit    money.Amount // the client's unallocated payments
	// Reminders sent; Due the level due now, if any.
	Reminders    []sales.Reminder
	Due          *service.DueReminder
	ShowDunning  bool
	CanRemind    bool
	CanPause     bool
	ClientPaused bool
}

// addExtras fills the page's extras.
func (s *Server) addExtras(r *http.Request, p *salesDocPage) error {
	ctx := r.Context()
	d := p.Doc.Document
	x := &p.Extras
	// A supplier's quote or bill came from the supplier: it is not sent.
	x.CanSend = p.Can(p.Collection.Module(), "send") && !sales.Recorded(d.Kind)
	x.SendDraft = d.Kind == sales.PurchaseOrder && d.IsDraft()
	if d.Purchase() {
		if err := s.addAttachments(r, p); err != nil {
			return err
		}
	}
	if !sales.Payable(d.Kind) || d.IsDraft() {
		return nil
	}
	x.Payable, x.Methods = true, sales.Methods
	var err error
	if x.Payments, err = s.svc.DocumentPayments(ctx, d.ID); err != nil {
		return err
	}
	x.Open = (d.Status == sales.Issued || d.Status == sales.PartlyPaid) && d.Balance() > 0
	x.CanPay = p.Can(p.Collection.Module(), "pay") && p.SeesAmounts()
	x.PayForm = payForm{Date: s.today(p.Page), Amount: d.Balance().Format(p.lang), Method: "transfer"}
	if x.Open && x.CanPay {
		// What the client paid beyond their invoices, or what was paid to
		// the supplier in advance.
		list := s.svc.Payments
		if d.Purchase() {
			list = s.svc.SupplierPayments
		}
		payments, err := list(ctx, d.ContactID)
		if err != nil && !errs.Is(err, errs.Forbidden) {
			return err
		}
		for _, pay := range payments {
			x.Credit += pay.Credit()
		}
	}
	if d.Purchase() {
		return nil // suppliers are not reminded
	}
	if x.Reminders, err = s.svc.Reminders(ctx, d.ID); err != nil {
		return err
	}
	if x.ClientPaused, err = s.svc.ClientDunningPaused(ctx, d.ContactID); err != nil {
		return err
	}
	if x.Open {
		due, err := s.svc.DueReminders(ctx)
		if err != nil {
			return err
		}
		for i := range due {
			if due[i].Document.ID == d.ID {
				x.Due = &due[i]
			}
		}
	}
	// Open invoices show the section: reminders may be paused in a
	// dispute before the due date.
	x.ShowDunning = len(x.Reminders) > 0 || x.Open
	x.CanRemind, x.CanPause = p.Can("sales", "send"), p.Can("sales", "edit")
	return nil
}

// ReminderSentAt is when a reminder was sent, in the account's time zone.
func (p salesDocPage) ReminderSentAt(r sales.Reminder) string { return p.Time(r.SentAt) }

type sendPage struct {
	Page
	Doc    service.DocumentView
	Form   service.SendInput
	Errors formErrors
}

// FileName is the attached PDF's name.
func (p sendPage) FileName() string { return service.PDFName(p.Doc.Document) }

func (s *Server) sendForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	if !sendable(v.Document) {
		return redirectAfterPost(w, r, documentPath(v.Kind, id))
	}
	m, err := s.svc.DocumentMail(r.Context(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, "sales_send", &sendPage{Page: s.basePage(r), Doc: v, Form: m})
}

func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	in := service.SendInput{To: strings.TrimSpace(r.PostFormValue("to")), Subject: strings.TrimSpace(r.PostFormValue("subject")),
		Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n")}
	out, err := s.svc.SendDocument(r.Context(), id, in)
	if errs.Is(err, errs.Invalid) && mailFieldsOnly(err) {
		s.renderPage(w, r, http.StatusUnprocessableEntity, "sales_send", &sendPage{Page: s.basePage(r), Doc: v, Form: in, Errors: salesErrors(err)})
		return nil
	}
	if err != nil {
		return s.showActionError(w, r, id, err)
	}
	notice := "sent"
	if !out.MailSent {
		notice = "sent_unsent"
	}
	return redirectAfterPost(w, r, documentPath(v.Kind, id)+"?notice="+notice)
}

func (s *Server) recordPayment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	doc, err := s.svc.Document(r.Context(), id)
	if err != nil {
		return err
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := payForm{Date: v("date"), Amount: v("amount"), Method: v("method"), Reference: v("reference"), Note: v("note")}
	amount, perr := money.Parse(f.Amount)
	if perr != nil {
		err = errs.Fields{{Field: "amount", Code: perr.Error(), Message: "not an amount"}}.Err("web.recordPayment")
	} else {
		// A client's invoice is paid in, a supplier's bill out.
		direction := sales.In
		if doc.Purchase() {
			direction = sales.Out
		}
		var p sales.Payment
		p, err = s.svc.RecordPayment(r.Context(), service.PaymentInput{Direction: direction, DocumentID: id, Date: f.Date, Amount: amount,
			Method: f.Method, Reference: f.Reference, Note: f.Note})
		if err == nil && p.Credit() > 0 {
			// More than the balance: say where the rest went, a typo shows.
			return redirectAfterPost(w, r, documentPath(doc.Kind, id)+"?notice=payment_recorded_"+direction+"_credit#document-payments")
		}
	}
	if errs.Is(err, errs.Invalid) && len(errs.FieldsOf(err)) > 0 {
		p, perr := s.documentPage(r, id)
		if perr != nil {
			return perr
		}
		p.Extras.PayForm, p.Extras.PayErrors = f, salesErrors(err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "sales_document", p)
		return nil
	}
	if err != nil {
		return s.showActionError(w, r, id, err)
	}
	return redirectAfterPost(w, r, documentPath(doc.Kind, id)+"?notice=payment_recorded#document-payments")
}

func (s *Server) deletePayment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeletePayment(r.Context(), id); err != nil {
		return err
	}
	if doc, _ := strconv.ParseInt(r.PostFormValue("document"), 10, 64); doc > 0 {
		if kind, err := s.svc.DocumentKind(r.Context(), doc); err == nil {
			return redirectAfterPost(w, r, documentPath(kind, doc)+"?notice=deleted#document-payments")
		}
	}
	if strings.HasPrefix(r.URL.Path, "/purchases/") {
		return redirectAfterPost(w, r, "/purchases/bills?notice=deleted")
	}
	return redirectAfterPost(w, r, "/sales/invoices?notice=deleted")
}

func (s *Server) applyCredit(r *http.Request, id int64) (sales.Document, error) {
	return s.svc.ApplyInvoiceCredit(r.Context(), id)
}

// reminderNotice is the notice after a reminder, by its mail status.
func reminderNotice(status string) string {
	switch status {
	case "failed":
		return "reminder_unsent"
	case "no_email":
		return "reminder_no_email"
	}
	return "reminder_sent"
}

func (s *Server) sendReminder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	level, _ := strconv.Atoi(r.PostFormValue("level"))
	rem, err := s.svc.SendReminder(r.Context(), id, level)
	if err != nil {
		return s.showActionError(w, r, id, err)
	}
	if r.PostFormValue("back") == "reminders" {
		return redirectAfterPost(w, r, "/sales/reminders?notice="+reminderNotice(rem.MailStatus))
	}
	return redirectAfterPost(w, r, documentPath(sales.Invoice, id)+"?notice="+reminderNotice(rem.MailStatus)+"#document-reminders")
}

func (s *Server) pauseDunning(r *http.Request, id int64) (sales.Document, error) {
	return s.svc.PauseDunning(r.Context(), id, r.PostFormValue("paused") == "1")
}

func (s *Server) pauseClientDunning(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.PauseClientDunning(r.Context(), id, r.PostFormValue("paused") == "1"); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/contacts/"+strconv.FormatInt(id, 10)+"?notice=saved#client-sales")
}

type remindersPage struct {
	Page
	Items   []service.DueReminder
	CanSend bool
}

func (s *Server) remindersPage(w http.ResponseWriter, r *http.Request) error {
	due, err := s.svc.DueReminders(r.Context())
	if err != nil {
		return err
	}
	p := &remindersPage{Page: s.basePage(r), Items: due}
	p.CanSend = p.Can("sales", "send")
	return s.render(w, r, "sales_reminders", p)
}

// remindersSendAll sends every reminder due now; one already sent by
// someone else in the meantime is skipped.
func (s *Server) remindersSendAll(w http.ResponseWriter, r *http.Request) error {
	due, err := s.svc.DueReminders(r.Context())
	if err != nil {
		return err
	}
	for _, d := range due {
		if _, err := s.svc.SendReminder(r.Context(), d.Document.ID, d.Level); err != nil && !errs.Is(err, errs.Conflict) {
			return err
		}
	}
	return redirectAfterPost(w, r, "/sales/reminders?notice=reminders_sent")
}

// dashMonth is one bar of the revenue chart, placed in the SVG's units.
type dashMonth struct {
	Month      string // YYYY-MM
	Label      string // "déc. 2025", "janv." in the table and tooltips
	Short      string // the month under its bar: "déc."
	Year       string // under the month, on January and the first bar only
	Net        money.Amount
	X, Y, W, H int
	LabelX     int
}

// dashClient is one of the top clients.
type dashClient struct {
	ContactID int64
	Name      string
	Net       money.Amount
}

// salesFigures are the dashboard's numbers, as the pages show them.
type salesFigures struct {
	QuotesPending    int
	QuotesPendingNet money.Amount
	OrdersToDeliver  int
	Unpaid           money.Amount
	UnpaidCount      int
	Overdue          money.Amount
	OverdueCount     int
	Months           []dashMonth
	Top              []dashClient
	Year             money.Amount // the twelve months' revenue
}

// The revenue chart's geometry, in SVG user units.
const (
	chartWidth  = 720
	chartHeight = 240
	chartTop    = 10
	chartBase   = 200 // the bars' baseline
	chartSlot   = chartWidth / 12
	chartBar    = 40
)

var shortMonths = map[string][12]string{
	"fr": {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

func (s *Server) salesFigures(r *http.Request, lang string) (*salesFigures, error) {
	f, err := s.svc.SalesDashboard(r.Context())
	if err != nil {
		return nil, err
	}
	out := &salesFigures{QuotesPending: f.QuotesPending, QuotesPendingNet: f.QuotesPendingNet, OrdersToDeliver: f.OrdersToDeliver,
		Unpaid: f.Unpaid, UnpaidCount: f.UnpaidCount, Overdue: f.Overdue, OverdueCount: f.OverdueCount}
	var top money.Amount
	for _, m := range f.Revenue {
		top = max(top, m.Net)
		out.Year += m.Net
	}
	names := shortMonths["fr"]
	if lang == "en" {
		names = shortMonths["en"]
	}
	for i, m := range f.Revenue {
		d := dashMonth{Month: m.Month, Net: m.Net, W: chartBar, X: i*chartSlot + (chartSlot-chartBar)/2, LabelX: i*chartSlot + chartSlot/2}
		if t, err := time.Parse("2006-01", m.Month); err == nil {
			d.Short = names[t.Month()-1]
			d.Label = d.Short
			if t.Month() == time.January || i == 0 {
				// On a line of its own: side by side, "déc. 2025" and
				// "janv. 2026" run together.
				d.Year = strconv.Itoa(t.Year())
				d.Label += " " + d.Year
			}
		}
		if top > 0 && m.Net > 0 {
			d.H = max(int(int64(m.Net)*(chartBase-chartTop)/int64(top)), 1)
		}
		d.Y = chartBase - d.H
		out.Months = append(out.Months, d)
	}
	for _, c := range f.TopClients {
		out.Top = append(out.Top, dashClient{ContactID: c.ContactID, Name: c.Name, Net: c.Net})
	}
	return out, nil
}

type dashboardPage struct {
	Page
	Figures *salesFigures
}

// ChartWidth and the others give the template the chart's geometry.
func (dashboardPage) ChartWidth() int  { return chartWidth }
func (dashboardPage) ChartHeight() int { return chartHeight }
func (dashboardPage) ChartBase() int   { return chartBase }

func (s *Server) salesDashboard(w http.ResponseWriter, r *http.Request) error {
	p := &dashboardPage{Page: s.basePage(r)}
	f, err := s.salesFigures(r, p.lang)
	if err != nil {
		return err
	}
	p.Figures = f
	return s.render(w, r, "sales_dashboard", p)
}

// clientSales is the sales part of a client's record.
type clientSales struct {
	Documents []salesRow
	Paused    bool
	CanPause  bool
}

// addClientSales fills the client's documents and reminders on the
// contact page, for those who see sales.
func (s *Server) addClientSales(r *http.Request, p *contactPage, c crm.Contact) error {
	if !p.Can("sales", "view") {
		return nil
	}
	today := s.today(p.Page)
	docs, err := s.svc.Documents(r.Context(), sales.Filter{Kinds: sales.Kinds, ContactID: c.ID, Today: today, Limit: 20})
	if err != nil {
		return err
	}
	if len(docs) == 0 && c.IsSupplier && !c.IsClient && !c.IsProspect {
		return nil // a supplier only: their record shows their purchases
	}
	cs := &clientSales{CanPause: p.Can("sales", "edit")}
	for _, d := range docs {
		cs.Documents = append(cs.Documents, salesRow{Document: d, Shown: d.Shown(today)})
	}
	if cs.Paused, err = s.svc.ClientDunningPaused(r.Context(), c.ID); err != nil {
		return err
	}
	p.Sales = cs
	return nil
}
