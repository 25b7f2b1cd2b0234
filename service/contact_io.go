package service

import (
	"context"
	"errors"
	"io"
	"slices"
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

// importBatch is how many rows an import checks for duplicates and writes
// at once: one query and a few multi-row INSERTs instead of two
// statements a row.
const importBatch = 500

var errImportRejected = errors.New("import rejected")

// ImportOptions say how to import a file.
type ImportOptions struct {
	// SkipBad imports the good rows and reports the bad ones; without it,
	// one bad row rejects the whole file and nothing is written.
	SkipBad bool
	// Fields maps each CSV column to a contact field (crm.Columns), ""
	// ignoring it; nil maps the file's header line (crm.MapHeader).
	Fields []string
}

// ImportPreview is what a user sees before importing a CSV: the columns
// Comptoir recognized and the first rows, to check and correct the mapping.
type ImportPreview struct {
	Encoding  string     `json:"encoding"`
	Delimiter string     `json:"delimiter"`
	Header    []string   `json:"header"`
	Fields    []string   `json:"fields"` // the suggested field of each column, "" unknown
	Rows      [][]string `json:"rows"`
}

// PreviewContacts reads the header and the first rows of a CSV.
func (s *Service) PreviewContacts(ctx context.Context, r io.Reader, rows int) (ImportPreview, error) {
	const op = "service.PreviewContacts"
	var p ImportPreview
	if err := access.Require(ctx, access.Contacts, access.Create); err != nil {
		return p, err
	}
	sr, header, err := openSheet(op, r)
	if err != nil {
		return p, err
	}
	p.Encoding, p.Delimiter, p.Header = sr.Encoding, string(sr.Delimiter), header
	p.Fields, _ = crm.MapHeader(header)
	for len(p.Rows) < rows {
		row, _, err := sr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p, &errs.Error{Op: op, Kind: errs.Invalid, Message: err.Error(), Err: err}
		}
		if !isBlank(row) {
			p.Rows = append(p.Rows, row)
		}
	}
	return p, nil
}

func openSheet(op string, r io.Reader) (*sheet.Reader, []string, error) {
	sr, err := sheet.NewReader(r)
	if err != nil {
		return nil, nil, errs.Wrap(op, err)
	}
	header, _, err := sr.Read()
	if err != nil {
		return nil, nil, &errs.Error{Op: op, Kind: errs.Invalid, Message: "the file is empty or not CSV", Err: err}
	}
	return sr, header, nil
}

// ImportContacts reads a spreadsheet CSV of contacts (see ImportOptions).
// Duplicates (same e-mail, SIRET or phone number as an existing contact or
// an earlier row) are skipped and counted. The import is one transaction
// with one activity-log entry; rows stream through, so memory stays flat
// whatever the file's size.
func (s *Service) ImportContacts(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	const op = "service.ImportContacts"
	var rep ImportReport
	if err := access.Require(ctx, access.Contacts, access.Create); err != nil {
		return rep, err
	}
	sr, header, err := openSheet(op, r)
	if err != nil {
		return rep, err
	}
	rep.Encoding, rep.Delimiter = sr.Encoding, string(sr.Delimiter)
	fields, unknown := crm.MapHeader(header)
	if opt.Fields != nil {
		if fields, unknown, err = chosenFields(op, header, opt.Fields); err != nil {
			return rep, err
		}
	}
	rep.Unknown = unknown
	if len(unknown) == len(header) {
		return rep, errs.E(op, errs.Invalid, "no column of the first line is a contact field (nom, prénom, e-mail…)")
	}
	return s.importInputs(ctx, &rep, opt.SkipBad, func() (crm.Input, int, error) {
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

// chosenFields checks a user's column mapping against the file's header.
func chosenFields(op string, header, fields []string) ([]string, []string, error) {
	if len(fields) != len(header) {
		return nil, nil, errs.E(op, errs.Invalid, "the mapping has "+strconv.Itoa(len(fields))+" columns, the file "+strconv.Itoa(len(header)))
	}
	var unknown []string
	used := map[string]bool{}
	for i, f := range fields {
		switch {
		case f == "":
			unknown = append(unknown, header[i])
		case !slices.Contains(crm.Columns, f):
			return nil, nil, errs.E(op, errs.Invalid, "column "+strconv.Itoa(i+1)+": unknown field "+strconv.Quote(f))
		case used[f]:
			return nil, nil, errs.E(op, errs.Invalid, "column "+strconv.Itoa(i+1)+": the field "+f+" is already taken by another column")
		}
		used[f] = true
	}
	return fields, unknown, nil
}

// ImportVCards reads contacts from vCard 3 or 4 cards, with the same rules
// as ImportContacts (lines are card numbers; Fields does not apply).
func (s *Service) ImportVCards(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{Encoding: "utf-8"}
	if err := access.Require(ctx, access.Contacts, access.Create); err != nil {
		return rep, err
	}
	vr := vcard.NewReader(r)
	return s.importInputs(ctx, &rep, opt.SkipBad, func() (crm.Input, int, error) {
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
// reporting bad rows and skipping duplicates; see ImportContacts. Once a
// row is bad and bad rows reject the file, it only validates the rest, to
// report every problem.
func (s *Service) importInputs(ctx context.Context, rep *ImportReport, skipBad bool, next func() (crm.Input, int, error)) (ImportReport, error) {
	const op = "service.ImportContacts"
	rights := access.From(ctx)
	owner := identity.ActorFrom(ctx).UserID
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		batch := make([]crm.Contact, 0, importBatch)
		now := s.db.Now(ctx)
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
			c := crm.Contact{OwnerID: owner}
			in.Apply(&c)
			if err := c.Validate(); err != nil {
				for _, fe := range errs.FieldsOf(err) {
					rep.add(RowError{Line: line, Field: fe.Field, Code: fe.Code, Message: fe.Message})
				}
				continue
			}
			if len(rep.Errors) > 0 && !skipBad {
				continue
			}
			c.DateChanges(crm.Contact{}, now)
			if batch = append(batch, c); len(batch) == importBatch {
				if err := s.writeImported(ctx, rep, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if len(rep.Errors) > 0 && !skipBad {
			return errImportRejected
		}
		if err := s.writeImported(ctx, rep, batch); err != nil {
			return err
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
	if rep.Created >= statsAfter {
		if err := s.db.RefreshContactStats(ctx); err != nil {
			s.log.Warn("refreshing contact statistics after an import", "err", err)
		}
	}
	return *rep, nil
}

// statsAfter is how many imported contacts make the database's planner
// statistics worth refreshing at once, rather than at its next pass.
const statsAfter = 1000

// writeImported writes a batch of valid rows, skipping those that share an
// e-mail, SIRET or phone number with a contact of the account (earlier
// rows of the file included) or with an earlier row of the batch.
func (s *Service) writeImported(ctx context.Context, rep *ImportReport, batch []crm.Contact) error {
	if len(batch) == 0 {
		return nil
	}
	var keys []string
	for _, c := range batch {
		keys = append(keys, c.DuplicateKeys()...)
	}
	taken, err := s.db.ContactKeys(ctx, keys)
	if err != nil {
		return err
	}
	fresh := make([]crm.Contact, 0, len(batch))
	for _, c := range batch {
		ks := c.DuplicateKeys()
		if slices.ContainsFunc(ks, func(k string) bool { return taken[k] }) {
			rep.Duplicates++
			continue
		}
		for _, k := range ks {
			taken[k] = true
		}
		fresh = append(fresh, c)
	}
	rep.Created += len(fresh)
	return s.db.CreateContacts(ctx, fresh)
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
	f.HideArchived = !access.From(ctx).Can(access.Privacy, access.View)
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
		f.AfterKey, f.AfterID = f.KeyOf(last), last.ID
	}
	return n, s.db.WithTx(ctx, func(ctx context.Context) error {
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "export", RecordType: "contact", Summary: strconv.Itoa(n)})
	})
}
