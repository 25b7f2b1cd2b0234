package web

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
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

func (s *Server) apiProductSupplierList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, err := s.svc.ProductSuppliers(r.Context(), id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []catalog.Supplier{}
	}
	writeJSON(w, http.StatusOK, page[catalog.Supplier]{Data: list})
	return nil
}

// supplierBody is what PUT sets on a product's supplier: the whole row, so
// a field left out is empty (a price left out is 0, which a role that does
// not see amounts must leave out: its price stays as it was).
type supplierBody struct {
	Reference string       `json:"reference"`
	Price     money.Amount `json:"price"`
}

// apiProductSupplierPut records the supplier {contact_id} of the product
// {id} or replaces its reference and price, and answers with the row.
func (s *Server) apiProductSupplierPut(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	contact, err := pathContact(r, "contact_id")
	if err != nil {
		return err
	}
	var in supplierBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	out, err := s.svc.SetProductSupplier(r.Context(), id, catalog.Supplier{ContactID: contact, Reference: in.Reference, Price: in.Price})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiProductSupplierDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	contact, err := pathContact(r, "contact_id")
	if err != nil {
		return err
	}
	if err := s.svc.RemoveProductSupplier(r.Context(), id, contact); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
