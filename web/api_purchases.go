package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
)

// documentCollections are every collection of documents the API serves:
// the Sales menu's, then the Purchases menu's.
func documentCollections() []salesCollection {
	return append(salesCollections[:len(salesCollections):len(salesCollections)], purchaseCollections...)
}

// routesForPurchasesAPI binds what only purchase documents do: a
// purchase order confirmed, the files attached to each document, and the
// supplier's side of payments and statements. The rest (lists, drafts,
// issue, derive, accept, cancel, export, PDF and e-mail of what the
// business writes, a bill's payments) are the sales documents' routes.
func (s *Server) routesForPurchasesAPI(mux *patternMux) {
	orders := documentAPI{svc: s.svc, kinds: []string{sales.PurchaseOrder}}
	mux.Handle("POST /api/v1/purchase-orders/{id}/confirm", s.apiUser(orders.confirm))
	mux.Handle("POST /api/v1/purchase-orders/{id}/close", s.apiUser(apiAct(orders.act(s.svc.Close))))
	for _, c := range purchaseCollections {
		docs := documentAPI{svc: s.svc, kinds: c.Kinds}
		base := "/api/v1/" + c.Slug + "/{id}/files"
		mux.Handle("GET "+base, s.apiUser(apiGet(within(docs, orEmpty(s.svc.Attachments)))))
		mux.Handle("POST "+base, s.apiUser(docs.attach))
		mux.Handle("GET "+base+"/{file}", s.apiUser(docs.download))
		mux.Handle("DELETE "+base+"/{file}", s.apiUser(docs.detach))
	}
	mux.Handle("GET /api/v1/contacts/{id}/supplier-payments", s.apiUser(apiGet(orEmpty(s.svc.SupplierPayments))))
	mux.Handle("GET /api/v1/contacts/{id}/supplier-statement", s.apiUser(apiStatement(s.svc.SupplierStatement)))
	mux.Handle("GET /api/v1/purchases/to-pay", s.apiUser(s.apiToPay))
}

// confirmInput is what the supplier's acknowledgement of a purchase order
// may carry.
type confirmInput struct {
	SupplierNumber string `json:"supplier_number"` // their confirmation's number, when they gave one
}

// confirm records that the supplier acknowledged the order; the body is
// optional.
func (d documentAPI) confirm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := d.check(r.Context(), id); err != nil {
		return err
	}
	var in confirmInput
	if err := decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	doc, err := d.svc.Confirm(r.Context(), id, in.SupplierNumber)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}

// decodeOptionalJSON is decodeJSON for a body that may be left out: an
// empty body (or only white space) leaves v as it is.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		return jsonError("web.decodeOptionalJSON", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return decodeJSON(w, r, v)
}

func (s *Server) apiToPay(w http.ResponseWriter, r *http.Request) error {
	out, err := s.svc.ToPay(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// orEmpty answers an empty list rather than null when fn finds nothing.
func orEmpty[T any](fn func(context.Context, int64) ([]T, error)) func(context.Context, int64) ([]T, error) {
	return func(ctx context.Context, id int64) ([]T, error) {
		list, err := fn(ctx, id)
		if list == nil && err == nil {
			list = []T{}
		}
		return list, err
	}
}

// maxUploadBody bounds an upload's request body: the largest file and room
// for the multipart framing around it. A file within the bound but larger
// than service.MaxAttachment is refused by the service; both refusals are
// the same field error (422, file too_large), whatever the size.
const maxUploadBody = service.MaxAttachment + 64<<10

// fileField is the field error of an upload without a usable file.
func fileField(code, msg string) error {
	return &errs.Error{Op: "web.documentAPI.attach", Kind: errs.Invalid, Message: msg,
		Fields: []errs.FieldError{{Field: "file", Code: code, Message: msg}}}
}

var (
	errUploadTooLarge  = fileField("too_large", "the file is larger than 10 MB")
	errUploadMalformed = fileField("malformed", "the multipart body is malformed or cut short")
)

// uploadReader remembers why reading an upload failed, to tell a broken
// request from a failure of the store.
type uploadReader struct {
	r   io.Reader
	err error
}

func (u *uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		u.err = err
	}
	return n, err
}

// attach keeps the file of the multipart/form-data field "file" and
// attaches it to the document; 201 with the attachment. The file is
// streamed to the store, never held whole in memory.
func (d documentAPI) attach(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := d.check(r.Context(), id); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	part, err := filePart(r)
	if err != nil {
		return err
	}
	defer func() { _ = part.Close() }()
	body := &uploadReader{r: part}
	a, err := d.svc.AttachFile(r.Context(), id, part.FileName(), body)
	if err != nil && body.err != nil {
		// The request, not the server, failed the store: a body over the
		// bound, or a multipart body cut short or malformed.
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(body.err, &tooLarge) {
			return errUploadTooLarge
		}
		return errUploadMalformed
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path+"/"+strconv.FormatInt(a.ID, 10))
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// filePart finds the part named "file" of a multipart/form-data body.
func filePart(r *http.Request) (*multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, fileField("required", "send the file as multipart/form-data, in a field named file")
	}
	for {
		p, err := mr.NextPart()
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return nil, errUploadTooLarge
		}
		if errors.Is(err, io.EOF) {
			return nil, fileField("required", "the body has no field named file")
		}
		if err != nil {
			return nil, errUploadMalformed
		}
		if p.FormName() == "file" {
			return p, nil
		}
		_ = p.Close()
	}
}

// attachmentPath reads the document's and the file's ids from the path.
func attachmentPath(r *http.Request) (id, file int64, err error) {
	if id, err = pathID(r); err != nil {
		return 0, 0, err
	}
	file, err = strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || file <= 0 {
		return 0, 0, errs.E("web.attachmentPath", errs.NotFound, "not found")
	}
	return id, file, nil
}

// download sends an attached file as it was kept, as a download (see
// serveAttachment).
func (d documentAPI) download(w http.ResponseWriter, r *http.Request) error {
	id, file, err := attachmentPath(r)
	if err != nil {
		return err
	}
	if err := d.check(r.Context(), id); err != nil {
		return err
	}
	a, data, err := d.svc.OpenAttachment(r.Context(), id, file)
	if err != nil {
		return err
	}
	serveAttachment(w, a, data, "attachment")
	return nil
}

// detach removes a file from a draft; 204.
func (d documentAPI) detach(w http.ResponseWriter, r *http.Request) error {
	id, file, err := attachmentPath(r)
	if err != nil {
		return err
	}
	if err := d.check(r.Context(), id); err != nil {
		return err
	}
	if err := d.svc.DeleteAttachment(r.Context(), id, file); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
