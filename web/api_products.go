package web

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/service"
)

func (s *Server) apiProductList(w http.ResponseWriter, r *http.Request) error {
	var fe errs.Fields
	f, _ := productFilter(r, &fe)
	f.Limit = listLimit(r, &fe)
	if id, key, ok := keysetCursor(r, &fe); ok {
		f.AfterID, f.AfterKey = id, key
	}
	if err := fe.Err("web.apiProductList"); err != nil {
		return err
	}
	limit := f.Limit
	f.Limit++
	items, err := s.svc.Products(r.Context(), f)
	if err != nil {
		return err
	}
	// The cursor holds the keyset of the page's last product.
	writeJSON(w, http.StatusOK, paginate(items, limit, func(p catalog.Product) string {
		return encodeKeyset(strconv.FormatInt(p.ID, 10) + ":" + p.SortKey())
	}))
	return nil
}

// apiProductImport imports the request's body, a spreadsheet CSV
// (text/csv), with the rules of the import screen. The report answers 200
// when the products were written and 422 when nothing was (bad rows
// without skip_bad=true).
func (s *Server) apiProductImport(w http.ResponseWriter, r *http.Request) error {
	const op = "web.apiProductImport"
	r.Body = http.MaxBytesReader(w, r.Body, maxImportSize)
	if typ, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); typ != "text/csv" {
		return errs.E(op, errs.Invalid, "send the file as text/csv")
	}
	rep, err := s.svc.ImportProducts(r.Context(), r.Body, service.ImportOptions{SkipBad: r.URL.Query().Get("skip_bad") == "true"})
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errs.E(op, errs.TooLarge, "the file is larger than 20 MB")
	}
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !rep.Applied {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, rep)
	return nil
}

// apiProductExport streams the products matching the list's filters as
// CSV (excel=true for French Excel).
func (s *Server) apiProductExport(w http.ResponseWriter, r *http.Request) error {
	var fe errs.Fields
	f, _ := productFilter(r, &fe)
	if err := fe.Err("web.apiProductExport"); err != nil {
		return err
	}
	return s.writeProductsCSV(w, r, f, r.URL.Query().Get("excel") == "true")
}
