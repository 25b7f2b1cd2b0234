package web

import (
	"errors"
	"io"
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

// previewRows is how many rows the mapping step shows.
const previewRows = 5

type contactImportPage struct {
	Page
	Report  *service.ImportReport
	Problem string
	// The mapping step: the uploaded file waiting under Upload, and
	// what Comptoir read of it.
	Upload  string
	Preview *service.ImportPreview
	Mode    string
	Columns []string
}

func (s *Server) contactImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "contact_import", &contactImportPage{Page: s.basePage(r)})
}

// contactImport takes an uploaded file. A vCard file is imported at once;
// a CSV is kept aside and the mapping step shows how its columns are read,
// with its first rows, before anything is written.
func (s *Server) contactImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportSize+1<<20)
	p := s.importPage(r)
	f, header, err := r.FormFile("file")
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		p.Problem = "import.too_large"
	case err != nil:
		p.Problem = "import.no_file"
	case strings.HasSuffix(strings.ToLower(header.Filename), ".vcf"):
		defer f.Close()
		rep, err := s.svc.ImportVCards(r.Context(), f, service.ImportOptions{SkipBad: p.Mode == "skip"})
		if err != nil {
			return err
		}
		p.Report = &rep
	default:
		defer f.Close()
		if err := s.previewUpload(r, p, f); err != nil {
			return err
		}
	}
	return s.renderImport(w, r, p)
}

// previewUpload keeps the uploaded CSV and reads its preview into p.
func (s *Server) previewUpload(r *http.Request, p *contactImportPage, f io.Reader) error {
	name, err := s.uploads.save(r.Context(), f)
	if err != nil {
		return err
	}
	file, err := s.uploads.open(r.Context(), name)
	if err != nil {
		return err
	}
	defer func() { _ = file.Close() }()
	preview, err := s.svc.PreviewContacts(r.Context(), file, previewRows)
	if errs.Is(err, errs.Invalid) {
		p.Problem = "import.not_csv"
		s.uploads.remove(r.Context(), name)
		return nil
	}
	p.Upload, p.Preview = name, &preview
	return err
}

// contactImportApply imports a kept CSV with the columns as the user
// mapped them, and shows the report.
func (s *Server) contactImportApply(w http.ResponseWriter, r *http.Request) error {
	name := r.PostFormValue("upload")
	p := s.importPage(r)
	file, err := s.uploads.open(r.Context(), name)
	if err != nil {
		p.Problem = "import.expired"
		return s.renderImport(w, r, p)
	}
	defer func() { _ = file.Close() }()
	fields := r.PostForm["field"]
	rep, err := s.svc.ImportContacts(r.Context(), file, service.ImportOptions{SkipBad: p.Mode == "skip", Fields: fields})
	if errs.Is(err, errs.Invalid) {
		p.Problem = "import.not_csv"
	} else if err != nil {
		return err
	}
	p.Report = &rep
	if rep.Applied {
		s.uploads.remove(r.Context(), name)
	} else if _, err := file.Seek(0, io.SeekStart); err == nil {
		// Nothing was written: the user may fix the mapping and retry.
		preview, _ := s.svc.PreviewContacts(r.Context(), file, previewRows)
		preview.Fields = fields
		p.Upload, p.Preview = name, &preview
	}
	return s.renderImport(w, r, p)
}

// importPage is the import screen for a posted form: its choice of mode
// is kept for the next step.
func (s *Server) importPage(r *http.Request) *contactImportPage {
	return &contactImportPage{Page: s.basePage(r), Mode: r.PostFormValue("mode"), Columns: crm.Columns}
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, p *contactImportPage) error {
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
	var fe errs.Fields
	f, _ := contactFilter(r, &fe)
	if err := fe.Err("web.contactExport"); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="contacts-`+time.Now().Format("2006-01-02")+`.csv"`)
	return s.writeContactsCSV(w, r, f, r.URL.Query().Get("excel") != "")
}

// contactVCards writes the listed contacts as vCard 4.
func (s *Server) contactVCards(w http.ResponseWriter, r *http.Request) error {
	var fe errs.Fields
	f, _ := contactFilter(r, &fe)
	if err := fe.Err("web.contactVCards"); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="contacts.vcf"`)
	return s.writeVCards(w, r, f)
}

// writeContactsCSV streams the contacts f selects as a spreadsheet CSV,
// for the list's export and the API alike.
func (s *Server) writeContactsCSV(w http.ResponseWriter, r *http.Request, f crm.Filter, excel bool) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	cw, err := sheet.NewWriter(w, excel)
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

// writeVCards streams the contacts f selects as vCard 4.
func (s *Server) writeVCards(w http.ResponseWriter, r *http.Request, f crm.Filter) error {
	w.Header().Set("Content-Type", "text/vcard; charset=utf-8")
	return vcard.Write(w, func(yield func(crm.Contact) error) error {
		_, err := s.svc.ExportContacts(r.Context(), f, yield)
		return err
	})
}
