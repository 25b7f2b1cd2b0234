package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/service"
)

// idempotentRoutes are the POSTs that honour an Idempotency-Key: those that
// create a record and write nothing else. A refused request's transaction
// is rolled back, so a route that counts failed attempts (codes, logins) or
// sends e-mail must not be run under one.
var idempotentRoutes = map[string]bool{
	"POST /api/v1/bank-accounts": true,
	"POST /api/v1/contacts":      true,
	// Sales documents: a draft created, nothing else written.
	"POST /api/v1/quotes":     true,
	"POST /api/v1/orders":     true,
	"POST /api/v1/deliveries": true,
	"POST /api/v1/invoices":   true,
	// Purchase documents: the same.
	"POST /api/v1/supplier-quotes": true,
	"POST /api/v1/purchase-orders": true,
	"POST /api/v1/bills":           true,
}

// maxAPIBody bounds JSON request bodies.
const maxAPIBody = 1 << 20

// idempotent runs an API POST under its Idempotency-Key: the handler's
// response is buffered, remembered with the write in one transaction, and
// replayed (with Idempotency-Replayed: true) when the key comes again.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, fn handlerFunc) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		return errs.E("web.idempotent", errs.TooLarge, "request body too large")
	}
	sum := sha256.New()
	sum.Write([]byte(r.Method + " " + r.URL.RequestURI() + "\n"))
	sum.Write(body)
	hash := hex.EncodeToString(sum.Sum(nil))
	resp, replayed, err := s.svc.Idempotent(r.Context(), r.Header.Get("Idempotency-Key"), hash,
		func(ctx context.Context) service.Response {
			buf := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
			rr := r.WithContext(ctx)
			rr.Body = io.NopCloser(bytes.NewReader(body))
			if err := fn(buf, rr); err != nil {
				s.renderError(buf, rr, err)
			}
			return service.Response{Status: buf.status, ContentType: buf.header.Get("Content-Type"), Body: buf.body.Bytes()}
		})
	if err != nil {
		return err
	}
	if replayed {
		w.Header().Set("Idempotency-Replayed", "true")
	}
	w.Header().Set("Content-Type", resp.ContentType)
	w.WriteHeader(resp.Status)
	_, err = w.Write(resp.Body)
	return err
}

// bufferedResponse collects a response in memory.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(code int)        { b.status = code }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
