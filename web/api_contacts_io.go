package web

import (
	"errors"
	"mime"
	"net/http"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/service"
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
		return s.writeVCards(w, r, f)
	}
	return s.writeContactsCSV(w, r, f, r.URL.Query().Get("excel") == "true")
}
