package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/sheet"
	"github.com/comptoir/comptoir/vcard"
)

// maxImportSize bounds an uploaded contacts file.
const maxImportSize = 20 << 20

type contactImportPage struct {
	Page
	Report  *service.ImportReport
	Problem string
}

func (s *Server) contactImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "contact_import", &contactImportPage{Page: s.basePage(r)})
}

// contactImport imports an uploaded spreadsheet CSV and shows the report:
// what was created, the duplicates skipped and each bad row.
func (s *Server) contactImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportSize+1<<20)
	p := &contactImportPage{Page: s.basePage(r)}
	f, header, err := r.FormFile("file")
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		p.Problem = "import.too_large"
	case err != nil:
		p.Problem = "import.no_file"
	default:
		defer f.Close()
		importer := s.svc.ImportContacts
		if strings.HasSuffix(strings.ToLower(header.Filename), ".vcf") {
			importer = s.svc.ImportVCards
		}
		rep, err := importer(r.Context(), f, r.PostFormValue("mode") == "skip")
		if errs.Is(err, errs.Invalid) {
			p.Problem = "import.not_csv"
		} else if err != nil {
			return err
		}
		p.Report = &rep
	}
	status := http.StatusOK
	if p.Problem != "" || (p.Report != nil && !p.Report.Applied) {
		status = http.StatusUnprocessableEntity
	}
	s.renderPage(w, r, status, "contact_import", p)
	return nil
}

// contactExport writes the listed contacts as CSV; excel=1 gives ';' and a
// byte-order mark for French Excel.
func (s *Server) contactExport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := crm.Filter{Query: q.Get("q"), Role: q.Get("role"), Tag: q.Get("tag")}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="contacts-`+time.Now().Format("2006-01-02")+`.csv"`)
	cw, err := sheet.NewWriter(w, q.Get("excel") != "")
	if err != nil {
		return err
	}
	if err := cw.Write(crm.Columns); err != nil {
		return err
	}
	if _, err := s.svc.ExportContacts(r.Context(), f, func(c crm.Contact) error { return cw.Write(c.Row()) }); err != nil {
		return err
	}
	return cw.Flush()
}

// contactVCards writes the listed contacts as vCard 4.
func (s *Server) contactVCards(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := crm.Filter{Query: q.Get("q"), Role: q.Get("role"), Tag: q.Get("tag")}
	w.Header().Set("Content-Type", "text/vcard; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="contacts.vcf"`)
	return vcard.Write(w, func(yield func(crm.Contact) error) error {
		_, err := s.svc.ExportContacts(r.Context(), f, yield)
		return err
	})
}
