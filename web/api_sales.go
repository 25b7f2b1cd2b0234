package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sheet"

	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
)

// routesForSalesAPI binds what is done with issued documents through the
// API: export, PDF, e-mail, payments, reminders, statements and the
// dashboard; then what only purchases do.
func (s *Server) routesForSalesAPI(mux *patternMux) {
	for _, c := range documentCollections() {
		base := "/api/v1/" + c.Slug + "/{id}"
		docs := documentAPI{svc: s.svc, kinds: c.Kinds}
		mux.Handle("GET /api/v1/"+c.Slug+"/export", s.apiUser(s.documentExport(c)))
		if sales.Payable(c.Kind) { // a client's invoices, a supplier's bills
			mux.Handle("GET "+base+"/payments", s.apiUser(apiGet(within(docs, orEmpty(s.svc.DocumentPayments)))))
			mux.Handle("POST "+base+"/apply-credit", s.apiUser(apiAct(docs.act(s.svc.ApplyInvoiceCredit))))
		}
		if sales.Recorded(c.Kind) {
			continue // a supplier's quote or bill is their paper: neither printed nor sent from here
		}
		mux.Handle("GET "+base+"/pdf", s.apiUser(docs.pdf))
		mux.Handle("GET "+base+"/mail", s.apiUser(apiGet(within(docs, s.svc.DocumentMail))))
		mux.Handle("POST "+base+"/send", s.apiUser(apiApply(http.StatusOK, withinApply(docs, s.svc.SendDocument))))
	}
	inv := documentAPI{svc: s.svc, kinds: []string{sales.Invoice, sales.Deposit}}
	mux.Handle("GET /api/v1/invoices/{id}/reminders", s.apiUser(apiGet(within(inv, s.svc.Reminders))))
	mux.Handle("POST /api/v1/invoices/{id}/reminders", s.apiUser(apiApply(http.StatusCreated, withinApply(inv, s.apiSendReminder))))
	mux.Handle("PUT /api/v1/invoices/{id}/dunning", s.apiUser(apiApply(http.StatusOK, withinApply(inv, s.apiPauseDunning))))
	mux.Handle("GET /api/v1/reminders/due", s.apiUser(s.apiDueReminders))
	mux.Handle("POST /api/v1/payments", s.apiUser(apiCreate(s.svc.RecordPayment)))
	mux.Handle("DELETE /api/v1/payments/{id}", s.apiUser(apiDelete(s.svc.DeletePayment)))
	mux.Handle("GET /api/v1/contacts/{id}/payments", s.apiUser(apiGet(s.svc.Payments)))
	mux.Handle("PUT /api/v1/contacts/{id}/dunning", s.apiUser(apiApply(http.StatusOK, s.apiPauseClientDunning)))
	mux.Handle("GET /api/v1/contacts/{id}/statement", s.apiUser(apiStatement(s.svc.Statement)))
	mux.Handle("GET /api/v1/contacts/{id}/statement.pdf", s.apiUser(s.apiStatementPDF))
	mux.Handle("GET /api/v1/sales/dashboard", s.apiUser(s.apiSalesDashboard))
	s.routesForPurchasesAPI(mux)
}

// documentExport streams a collection's documents as a spreadsheet CSV
// (formula cells defused), with the list's filters (status, q, contact_id)
// and ?excel=1 for French Excel; pages and the API alike.
func (s *Server) documentExport(c salesCollection) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		f := sales.Filter{Kinds: c.Kinds, Status: q.Get("status"), Query: q.Get("q")}
		if f.Status != "" && !slices.Contains(documentStatuses, f.Status) {
			var fe errs.Fields
			fe.Add("status", "invalid_status", "status must be one of "+strings.Join(documentStatuses, ", "))
			return fe.Err("web.documentExport")
		}
		if v := q.Get("contact_id"); v != "" {
			f.ContactID, _ = strconv.ParseInt(v, 10, 64)
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+c.Slug+`-`+time.Now().UTC().Format("2006-01-02")+`.csv"`)
		cw, err := sheet.NewWriter(w, q.Get("excel") == "1" || q.Get("excel") == "true")
		if err != nil {
			return err
		}
		if err := cw.Write(sales.ExportColumns); err != nil {
			return err
		}
		if _, err := s.svc.ExportDocuments(r.Context(), f, func(d sales.Document) error { return cw.Write(d.Row()) }); err != nil {
			return err
		}
		return cw.Flush()
	}
}

// within runs fn on a document only if it belongs to d's collection.
func within[Out any](d documentAPI, fn func(context.Context, int64) (Out, error)) func(context.Context, int64) (Out, error) {
	return func(ctx context.Context, id int64) (Out, error) {
		if err := d.check(ctx, id); err != nil {
			var zero Out
			return zero, err
		}
		return fn(ctx, id)
	}
}

// withinApply is within for actions with a body.
func withinApply[In, Out any](d documentAPI, fn func(context.Context, int64, In) (Out, error)) func(context.Context, int64, In) (Out, error) {
	return func(ctx context.Context, id int64, in In) (Out, error) {
		if err := d.check(ctx, id); err != nil {
			var zero Out
			return zero, err
		}
		return fn(ctx, id, in)
	}
}

// pdf answers the document as a PDF file.
func (d documentAPI) pdf(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := d.check(r.Context(), id); err != nil {
		return err
	}
	file, name, err := d.svc.DocumentPDF(r.Context(), id)
	if err != nil {
		return err
	}
	writePDF(w, r, file, name)
	return nil
}

// writePDF sends a PDF as a download, or to show in the browser with
// ?inline=1 (to print it).
func writePDF(w http.ResponseWriter, r *http.Request, file []byte, name string) {
	disposition := "attachment"
	if r.URL.Query().Get("inline") == "1" {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", disposition+`; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(file)))
	_, _ = w.Write(file)
}

// reminderInput names the level of a reminder sent by hand.
type reminderInput struct {
	Level int `json:"level"`
}

func (s *Server) apiSendReminder(ctx context.Context, id int64, in reminderInput) (sales.Reminder, error) {
	return s.svc.SendReminder(ctx, id, in.Level)
}

// pauseInput pauses or resumes reminders.
type pauseInput struct {
	Paused bool `json:"paused"`
}

func (s *Server) apiPauseDunning(ctx context.Context, id int64, in pauseInput) (sales.Document, error) {
	return s.svc.PauseDunning(ctx, id, in.Paused)
}

func (s *Server) apiPauseClientDunning(ctx context.Context, id int64, in pauseInput) (pauseInput, error) {
	return in, s.svc.PauseClientDunning(ctx, id, in.Paused)
}

func (s *Server) apiDueReminders(w http.ResponseWriter, r *http.Request) error {
	due, err := s.svc.DueReminders(r.Context())
	if err != nil {
		return err
	}
	if due == nil {
		due = []service.DueReminder{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": due})
	return nil
}

// apiStatement answers a contact's statement between ?from= and ?to=: a
// client's (service.Statement) or a supplier's (SupplierStatement).
func apiStatement(statement func(ctx context.Context, contactID int64, from, to string) (service.Statement, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		st, err := statement(r.Context(), id, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, st)
		return nil
	}
}

func (s *Server) apiStatementPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	file, name, err := s.svc.StatementPDF(r.Context(), id, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	writePDF(w, r, file, name)
	return nil
}

func (s *Server) apiSalesDashboard(w http.ResponseWriter, r *http.Request) error {
	f, err := s.svc.SalesDashboard(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}
