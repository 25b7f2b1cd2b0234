package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/sheet"
)

type productImportPage struct {
	Page
	Report  *service.ProductImportReport
	Problem string
	Mode    string
	Columns []string
}

func (s *Server) productImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "product_import", &productImportPage{Page: s.basePage(r), Columns: catalog.Columns})
}

// productImport imports an uploaded CSV at once (a catalog's columns need
// no mapping step) and shows the report: what was created and updated, or
// each bad row with its line.
func (s *Server) productImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportSize+1<<20)
	p := &productImportPage{Page: s.basePage(r), Mode: r.PostFormValue("mode"), Columns: catalog.Columns}
	f, _, err := r.FormFile("file")
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		p.Problem = "import.too_large"
	case err != nil:
		p.Problem = "import.no_file"
	default:
		defer f.Close()
		rep, err := s.svc.ImportProducts(r.Context(), f, service.ImportOptions{SkipBad: p.Mode == "skip"})
		switch {
		case errs.Is(err, errs.Invalid):
			p.Problem = "products.import_not_csv"
		case err != nil:
			return err
		default:
			p.Report = &rep
		}
	}
	status := http.StatusOK
	if p.Problem != "" || (p.Report != nil && !p.Report.Applied) {
		status = http.StatusUnprocessableEntity
	}
	s.renderPage(w, r, status, "product_import", p)
	return nil
}

// productExport writes the listed products as CSV; excel=1 gives ';' and
// a byte-order mark for French Excel.
func (s *Server) productExport(w http.ResponseWriter, r *http.Request) error {
	var fe errs.Fields
	f, _ := productFilter(r, &fe)
	if err := fe.Err("web.productExport"); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="produits-`+time.Now().Format("2006-01-02")+`.csv"`)
	return s.writeProductsCSV(w, r, f, r.URL.Query().Get("excel") != "")
}

// writeProductsCSV streams the products f selects as a spreadsheet CSV
// (formula cells defused), for the list's export and the API alike.
func (s *Server) writeProductsCSV(w http.ResponseWriter, r *http.Request, f catalog.Filter, excel bool) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	cw, err := sheet.NewWriter(w, excel)
	if err != nil {
		return err
	}
	if err := cw.Write(catalog.Columns); err != nil {
		return err
	}
	if _, err := s.svc.ExportProducts(r.Context(), f, func(p catalog.Product) error { return cw.Write(p.Row()) }); err != nil {
		return err
	}
	return cw.Flush()
}
