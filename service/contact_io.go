package service

import (
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/sheet"
	"github.com/comptoir/comptoir/vcard"
)

// RowError says what is wrong with one line of an imported file.
type RowError struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ImportReport tells what an import did.
type ImportReport struct {
	Encoding   string     `json:"encoding"`
	Delimiter  string     `json:"delimiter"`
	Unknown    []string   `json:"unknown_columns"`
	Rows       int        `json:"rows"`
	Created    int        `json:"created"`
	Duplicates int        `json:"duplicates"`
	Errors     []RowError `json:"errors"`
	Applied    bool       `json:"applied"` // false: nothing was written
}

// maxImportErrors bounds the per-row report of a bad file.
const maxImportErrors = 1000

var errImportRejected = errors.New("import rejected")

// ImportContacts reads a spreadsheet CSV of contacts. With skipBad, good
// rows are imported and bad ones reported; without, one bad row rejects
// the whole file and nothing is written. Duplicates (same e-mail or SIRET
// as an existing contact or an earlier row) are skipped and counted. The
// import is one transaction with one activity-log entry.
func (s *Service) ImportContacts(ctx context.Context, r io.Reader, skipBad bool) (ImportReport, error) {
	const op = "service.ImportContacts"
	var rep ImportReport
	if err := access.Require(ctx, access.Contacts, access.Create); err != nil {
		return rep, err
	}
	sr, err := sheet.NewReader(r)
	if err != nil {
		return rep, errs.Wrap(op, err)
	}
	rep.Encoding, rep.Delimiter = sr.Encoding, string(sr.Delimiter)
	header, _, err := sr.Read()
	if err != nil {
		return rep, &errs.Error{Op: op, Kind: errs.Invalid, Message: "the file is empty or not CSV", Err: err}
	}
	fields, unknown := crm.MapHeader(header)
	rep.Unknown = unknown
	if len(unknown) == len(header) {
		return rep, errs.E(op, errs.Invalid, "no column of the first line is a contact field (nom, prénom, e-mail…)")
	}
	return s.importInputs(ctx, &rep, skipBad, func() (crm.Input, int, error) {
		for {
			row, line, err := sr.Read()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					err = errBadSource{err}
				}
				return crm.Input{}, line, err
			}
			if !isBlank(row) {
				return crm.InputFromRow(fields, row), line, nil
			}
		}
	})
}

// ImportVCards reads contacts from vCard 3 or 4 cards, with the same rules
// as ImportContacts (lines are card numbers).
func (s *Service) ImportVCards(ctx context.Context, r io.Reader, skipBad bool) (ImportReport, error) {
	rep := ImportReport{Encoding: "utf-8"}
	if err := access.Require(ctx, access.Contacts, access.Create); err != nil {
		return rep, err
	}
	vr := vcard.NewReader(r)
	return s.importInputs(ctx, &rep, skipBad, func() (crm.Input, int, error) {
		in, n, err := vr.Next()
		if err != nil && !errors.Is(err, io.EOF) {
			err = errBadSource{err}
		}
		return in, n, err
	})
}

// errBadSource marks a file that cannot be read further (malformed CSV or
// vCard): the import stops there.
type errBadSource struct{ err error }

func (e errBadSource) Error() string { return e.err.Error() }

// importInputs creates the contacts next yields, in one transaction,
// reporting bad rows and skipping duplicates; see ImportContacts.
func (s *Service) importInputs(ctx context.Context, rep *ImportReport, skipBad bool, next func() (crm.Input, int, error)) (ImportReport, error) {
	const op = "service.ImportContacts"
	rights := access.From(ctx)
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		seen := map[string]bool{}
		for {
			in, line, err := next()
			if errors.Is(err, io.EOF) {
				break
			}
			var bad errBadSource
			if errors.As(err, &bad) {
				rep.add(RowError{Line: line, Code: "bad_csv", Message: bad.Error()})
				return errImportRejected
			}
			if err != nil {
				return err
			}
			rep.Rows++
			dropHidden(rights, &in)
			c := crm.Contact{OwnerID: identity.ActorFrom(ctx).UserID}
			in.Apply(&c)
			if err := c.Validate(); err != nil {
				for _, fe := range errs.FieldsOf(err) {
					rep.add(RowError{Line: line, Field: fe.Field, Code: fe.Code, Message: fe.Message})
				}
				continue
			}
			key := c.Email + "|" + c.SIRET
			dup, err := s.db.ContactDuplicate(ctx, c.Email, c.SIRET)
			if err != nil {
				return err
			}
			if dup != 0 || (key != "|" && seen[key]) {
				rep.Duplicates++
				continue
			}
			seen[key] = true
			c.DateChanges(crm.Contact{}, s.db.Now(ctx))
			if err := s.db.CreateContact(ctx, &c); err != nil {
				return err
			}
			rep.Created++
		}
		if len(rep.Errors) > 0 && !skipBad {
			return errImportRejected
		}
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "import", RecordType: "contact",
			Summary: strconv.Itoa(rep.Created) + " created, " + strconv.Itoa(rep.Duplicates) + " duplicates, " + strconv.Itoa(len(rep.Errors)) + " errors"})
	})
	if errors.Is(err, errImportRejected) {
		rep.Created = 0
		return *rep, nil
	}
	if err != nil {
		return *rep, errs.Wrap(op, err)
	}
	rep.Applied = true
	return *rep, nil
}

func (r *ImportReport) add(e RowError) {
	if len(r.Errors) < maxImportErrors {
		r.Errors = append(r.Errors, e)
	}
}

func isBlank(row []string) bool {
	for _, v := range row {
		if v != "" {
			return false
		}
	}
	return true
}

// ExportContacts streams the contacts matching f that the actor may see,
// page by page, to each, and records the export.
func (s *Service) ExportContacts(ctx context.Context, f crm.Filter, each func(crm.Contact) error) (int, error) {
	if err := access.Require(ctx, access.Contacts, access.Export); err != nil {
		return 0, err
	}
	ownScope(ctx, &f)
	f.Limit = 500
	n := 0
	for {
		page, err := s.db.ListContacts(ctx, f)
		if err != nil {
			return n, err
		}
		for _, c := range page {
			if err := each(visible(ctx, c)); err != nil {
				return n, err
			}
			n++
		}
		if len(page) < f.Limit {
			break
		}
		last := page[len(page)-1]
		f.AfterKey, f.AfterID = last.SortKey(), last.ID
	}
	return n, s.db.WithTx(ctx, func(ctx context.Context) error {
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "export", RecordType: "contact", Summary: strconv.Itoa(n)})
	})
}
