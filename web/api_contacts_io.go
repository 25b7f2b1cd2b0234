package web

import (
	"errors"
	"mime"
	"net/http"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/sheet"
	"github.com/comptoir/comptoir/vcard"
)

// apiContactImport imports the request's body: a spreadsheet CSV
// (text/csv) or vCards (text/vcard), with the rules of the import screen.
// The report answers 200 when the contacts were written and 422 when
// nothing was (bad rows without skip_bad=true).
func (s *Server) apiContactImport(w http.ResponseWriter, r *http.Request) error {
	const op = "web.apiContactImport"
	r.Body = http.MaxBytesReader(w, r.Body, maxImportSize)
	typ, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	importer := s.svc.ImportContacts
	switch typ {
	case "text/csv":
	case "text/vcard", "text/x-vcard":
		importer = s.svc.ImportVCards
	default:
		return errs.E(op, errs.Invalid, "send the file as text/csv or text/vcard")
	}
	rep, err := importer(r.Context(), r.Body, service.ImportOptions{SkipBad: r.URL.Query().Get("skip_bad") == "true"})
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

// apiContactExport streams the contacts matching the list's filters as
// CSV (format=csv, the default; excel=true for French Excel) or vCard.
func (s *Server) apiContactExport(w http.ResponseWriter, r *http.Request) error {
	var fe errs.Fields
	f, _ := contactFilter(r, &fe)
	format := r.URL.Query().Get("format")
	if format != "" && format != "csv" && format != "vcard" {
		fe.Add("format", "invalid_format", "format must be csv or vcard")
	}
	if err := fe.Err("web.apiContactExport"); err != nil {
		return err
	}
	if format == "vcard" {
		w.Header().Set("Content-Type", "text/vcard; charset=utf-8")
		return vcard.Write(w, func(yield func(crm.Contact) error) error {
			_, err := s.svc.ExportContacts(r.Context(), f, yield)
			return err
		})
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	cw, err := sheet.NewWriter(w, r.URL.Query().Get("excel") == "true")
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
