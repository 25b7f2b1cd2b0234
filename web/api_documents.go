package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
)

// routesForDocuments binds the documents' API, sales and purchases alike:
// one set of routes per collection, where a document of another kind is
// not found.
func (s *Server) routesForDocuments(mux *patternMux) {
	for _, c := range documentCollections() {
		base := "/api/v1/" + c.Slug
		docs := documentAPI{svc: s.svc, kinds: c.Kinds}
		mux.Handle("GET "+base, s.apiUser(docs.list))
		mux.Handle("POST "+base, s.apiUser(apiCreate(docs.create)))
		mux.Handle("GET "+base+"/{id}", s.apiUser(apiGet(docs.get)))
		mux.Handle("PATCH "+base+"/{id}", s.apiUser(apiApply(http.StatusOK, docs.update)))
		mux.Handle("DELETE "+base+"/{id}", s.apiUser(apiDelete(docs.delete)))
		mux.Handle("POST "+base+"/{id}/issue", s.apiUser(apiAct(docs.act(s.svc.Issue))))
		mux.Handle("POST "+base+"/{id}/derive", s.apiUser(docs.derive))
		if c.Kind == sales.Quote || c.Kind == sales.SupplierQuote {
			mux.Handle("POST "+base+"/{id}/accept", s.apiUser(apiAct(docs.act(decide(s.svc, sales.Accepted)))))
			mux.Handle("POST "+base+"/{id}/refuse", s.apiUser(apiAct(docs.act(decide(s.svc, sales.Refused)))))
		}
		if slices.Contains(cancellable, c.Kind) {
			mux.Handle("POST "+base+"/{id}/cancel", s.apiUser(apiAct(docs.act(s.svc.Cancel))))
		}
	}
	mux.Handle("GET /api/v1/sales-settings", s.apiUser(s.apiSalesSettingsGet))
	mux.Handle("PUT /api/v1/sales-settings", s.apiUser(s.apiSalesSettingsPut))
}

// cancellable are the kinds withdrawn by cancelling them: a quote, an
// order, a supplier's quote, a purchase order, a bill or a receipt recorded
// by mistake.
// An invoice is corrected by a credit note instead.
var cancellable = []string{sales.Quote, sales.Order, sales.SupplierQuote, sales.PurchaseOrder, sales.Bill, sales.Receipt}

// documentAPI serves one collection of documents.
type documentAPI struct {
	svc   *service.Service
	kinds []string
}

// errWrongCollection hides a document of another kind: under this
// collection it does not exist.
var errWrongCollection = errs.E("web.documentAPI", errs.NotFound, "not found")

// check returns errWrongCollection unless id is a document of the
// collection's kinds that the caller may see.
func (d documentAPI) check(ctx context.Context, id int64) error {
	kind, err := d.svc.DocumentKind(ctx, id)
	if err != nil {
		return err
	}
	if !slices.Contains(d.kinds, kind) {
		return errWrongCollection
	}
	return nil
}

func (d documentAPI) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var fe errs.Fields
	f := sales.Filter{Kinds: d.kinds, Query: strings.TrimSpace(q.Get("q")), Status: q.Get("status")}
	if f.Status != "" && !slices.Contains(documentStatuses, f.Status) {
		fe.Add("status", "invalid_status", "status must be one of "+strings.Join(documentStatuses, ", "))
	}
	if v := q.Get("contact_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			fe.Add("contact_id", "invalid_id", "contact_id must be a contact's id")
		}
		f.ContactID = n
	}
	f.Limit = listLimit(r, &fe)
	if text := cursorText(r, &fe); text != "" {
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n <= 0 {
			fe.Add("cursor", "invalid_cursor", badCursor)
		}
		f.AfterID = n
	}
	if err := fe.Err("web.documentAPI.list"); err != nil {
		return err
	}
	limit := f.Limit
	f.Limit++
	items, err := d.svc.Documents(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(items, limit, func(doc sales.Document) string { return encodeCursor(doc.ID) }))
	return nil
}

// documentStatuses are the statuses a list can be filtered by: the stored
// ones (a purchase order's among them), overdue (shown, never stored) and
// unpaid (issued or partly paid).
var documentStatuses = []string{sales.Draft, sales.Issued, sales.Accepted, sales.Refused, sales.Expired,
	sales.PartDelivered, sales.Delivered, sales.PartlyPaid, sales.Paid, sales.Cancelled, sales.Overdue, "unpaid",
	sales.Sent, sales.Confirmed, sales.PartReceived, sales.Received, sales.Closed}

// create makes a draft of the collection's kind; kind may be left out, or
// name one of the collection's kinds (a deposit among invoices).
func (d documentAPI) create(ctx context.Context, in sales.Input) (sales.Document, error) {
	const op = "web.documentAPI.create"
	switch d.kinds[0] {
	case sales.Credit:
		return sales.Document{}, errs.E(op, errs.Invalid,
			"a credit note corrects an invoice: make it from the invoice (POST /api/v1/invoices/{id}/derive with kind credit)")
	case sales.Receipt:
		return sales.Document{}, errs.E(op, errs.Invalid,
			"a receipt records what arrived of a purchase order: make it from the order (POST /api/v1/purchase-orders/{id}/derive with kind receipt)")
	}
	if in.Kind == nil {
		in.Kind = &d.kinds[0]
	} else if !slices.Contains(d.kinds, *in.Kind) {
		return sales.Document{}, &errs.Error{Op: op, Kind: errs.Invalid, Message: "some fields are invalid",
			Fields: []errs.FieldError{{Field: "kind", Code: "wrong_collection",
				Message: "this collection holds " + strings.Join(d.kinds, " or ") + " documents; post a " + *in.Kind + " to its own collection"}}}
	}
	return d.svc.CreateDocument(ctx, in)
}

func (d documentAPI) get(ctx context.Context, id int64) (service.DocumentView, error) {
	v, err := d.svc.Document(ctx, id)
	if err != nil {
		return v, err
	}
	if !slices.Contains(d.kinds, v.Kind) {
		return service.DocumentView{}, errWrongCollection
	}
	return v, nil
}

func (d documentAPI) update(ctx context.Context, id int64, in sales.Input) (sales.Document, error) {
	if err := d.check(ctx, id); err != nil {
		return sales.Document{}, err
	}
	return d.svc.UpdateDocument(ctx, id, in)
}

func (d documentAPI) delete(ctx context.Context, id int64) error {
	if err := d.check(ctx, id); err != nil {
		return err
	}
	return d.svc.DeleteDocument(ctx, id)
}

// act binds an action on one document to the collection.
func (d documentAPI) act(fn func(context.Context, int64) (sales.Document, error)) func(context.Context, int64) (sales.Document, error) {
	return func(ctx context.Context, id int64) (sales.Document, error) {
		if err := d.check(ctx, id); err != nil {
			return sales.Document{}, err
		}
		return fn(ctx, id)
	}
}

func decide(svc *service.Service, status string) func(context.Context, int64) (sales.Document, error) {
	return func(ctx context.Context, id int64) (sales.Document, error) { return svc.Decide(ctx, id, status) }
}

// derive makes a new draft from the document and answers 201 with it and
// its address.
func (d documentAPI) derive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := d.check(r.Context(), id); err != nil {
		return err
	}
	var in service.DeriveInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if kinds := d.deriveKinds(); !slices.Contains(kinds, in.Kind) {
		return &errs.Error{Op: "web.documentAPI.derive", Kind: errs.Invalid, Message: "some fields are invalid",
			Fields: []errs.FieldError{{Field: "kind", Code: "invalid_kind", Message: "kind must be one of " + strings.Join(kinds, ", ")}}}
	}
	doc, err := d.svc.Derive(r.Context(), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/"+collectionOf(doc.Kind).Slug+"/"+strconv.FormatInt(doc.ID, 10))
	writeJSON(w, http.StatusCreated, doc)
	return nil
}

// deriveKinds are what can be asked of derive: a sale leads to sales
// documents, a purchase to purchase documents.
func (d documentAPI) deriveKinds() []string {
	if sales.Purchase(d.kinds[0]) {
		return []string{sales.PurchaseOrder, sales.Receipt, sales.Bill, "duplicate"}
	}
	return []string{sales.Order, sales.Delivery, sales.Invoice, sales.Deposit, sales.Credit, "duplicate"}
}

// apiAct runs an action without a body on the record the path's {id}
// names and answers 200 with the record as it now is.
func apiAct[Out any](act func(context.Context, int64) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		out, err := act(r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

func (s *Server) apiSalesSettingsGet(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.SalesSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// apiSalesSettingsPut replaces the sales settings; a field left out takes
// its default value.
func (s *Server) apiSalesSettingsPut(w http.ResponseWriter, r *http.Request) error {
	st := sales.DefaultSettings()
	if err := decodeJSON(w, r, &st); err != nil {
		return err
	}
	out, err := s.svc.UpdateSalesSettings(r.Context(), st)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
