package service

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/errs"
)

// ProductImportReport tells what an import of products did.
type ProductImportReport struct {
	Encoding  string     `json:"encoding"`
	Delimiter string     `json:"delimiter"`
	Unknown   []string   `json:"unknown_columns"`
	Rows      int        `json:"rows"`
	Created   int        `json:"created"`
	Updated   int        `json:"updated"` // rows whose reference the catalog had
	Errors    []RowError `json:"errors"`
	Applied   bool       `json:"applied"` // false: nothing was written
}

func (r *ProductImportReport) add(e RowError) {
	if len(r.Errors) < maxImportErrors {
		r.Errors = append(r.Errors, e)
	}
}

// importRow is a row of a products file waiting for its batch.
type importRow struct {
	line int
	in   catalog.Input
	bad  errs.Fields // what could not be read (amounts, rates)
}

// ImportProducts reads a spreadsheet CSV of products (UTF-8 or
// Windows-1252, ',' ';' or tab, detected; the first line names the
// columns, in French or English). A row whose reference the catalog has
// updates that product with the columns the file has; any other creates
// one. Without SkipBad one bad row rejects the whole file and nothing is
// written; with it, the good rows are imported. Either way every bad row
// is reported with its line. One transaction, one activity entry.
func (s *Service) ImportProducts(ctx context.Context, r io.Reader, opt ImportOptions) (ProductImportReport, error) {
	const op = "service.ImportProducts"
	var rep ProductImportReport
	if err := access.Require(ctx, access.Sales, access.Create); err != nil {
		return rep, err
	}
	if err := access.Require(ctx, access.Sales, access.Edit); err != nil {
		return rep, err
	}
	sr, header, err := openSheet(op, r)
	if err != nil {
		return rep, err
	}
	rep.Encoding, rep.Delimiter = sr.Encoding, string(sr.Delimiter)
	fields, unknown := catalog.MapHeader(header)
	rep.Unknown = unknown
	hasRef := false
	for _, f := range fields {
		hasRef = hasRef || f == "reference"
	}
	if !hasRef {
		return rep, &errs.Error{Op: op, Kind: errs.Invalid, Message: "the first line names no reference column (référence, ref, code…)",
			Fields: []errs.FieldError{{Field: "reference", Code: "required", Message: "a reference column is required"}}}
	}
	seesAmounts := access.From(ctx).Sees(access.Amounts)
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		batch := make([]importRow, 0, importBatch)
		for {
			row, line, err := sr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if isCSVError(err) {
				rep.add(RowError{Line: line, Code: "bad_csv", Message: err.Error()})
				return errImportRejected
			}
			if err != nil {
				return err // reading the upload failed (too large, cut short)
			}
			if isBlank(row) {
				continue
			}
			rep.Rows++
			in, bad := catalog.InputFromRow(fields, row)
			if !seesAmounts {
				in.PurchasePrice = nil // a role that does not see amounts cannot set them
			}
			if batch = append(batch, importRow{line: line, in: in, bad: bad}); len(batch) == importBatch {
				if err := s.importProducts(ctx, &rep, batch, opt.SkipBad); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := s.importProducts(ctx, &rep, batch, opt.SkipBad); err != nil {
			return err
		}
		if len(rep.Errors) > 0 && !opt.SkipBad {
			return errImportRejected
		}
		return s.record(ctx, activity.Entry{Module: string(access.Sales), Action: "import", RecordType: "product",
			Summary: strconv.Itoa(rep.Created) + " created, " + strconv.Itoa(rep.Updated) + " updated, " + strconv.Itoa(len(rep.Errors)) + " errors"})
	})
	if errors.Is(err, errImportRejected) {
		rep.Created, rep.Updated = 0, 0
		return rep, nil
	}
	if err != nil {
		return rep, errs.Wrap(op, err)
	}
	rep.Applied = true
	return rep, nil
}

// isCSVError reports whether err is a malformed CSV, a problem of the
// file rather than of reading it.
func isCSVError(err error) bool {
	return errors.Is(err, csv.ErrQuote) || errors.Is(err, csv.ErrBareQuote) || errors.Is(err, csv.ErrFieldCount)
}

// importProducts checks a batch of rows against the catalog and, unless
// a bad row already rejects the file, writes the good ones. A reference
// seen earlier in the file is found in the catalog by then.
func (s *Service) importProducts(ctx context.Context, rep *ProductImportReport, batch []importRow, skipBad bool) error {
	if len(batch) == 0 {
		return nil
	}
	var refs []string
	for _, r := range batch {
		if r.in.Reference != nil {
			refs = append(refs, *r.in.Reference)
		}
	}
	existing, err := s.db.ProductsByReference(ctx, refs)
	if err != nil {
		return err
	}
	good := make([]catalog.Product, 0, len(batch))
	at := map[string]int{} // reference → index in good, for a reference twice in a batch
	for _, r := range batch {
		p, known := catalog.New(), false
		if r.in.Reference != nil {
			if i, ok := at[*r.in.Reference]; ok {
				p, known = good[i], true
			} else if e, ok := existing[*r.in.Reference]; ok {
				p, known = e, true
			}
		}
		r.in.Apply(&p)
		fe := r.bad
		if err := p.Validate(); err != nil {
			for _, e := range errs.FieldsOf(err) {
				if !fe.Has(e.Field) {
					fe = append(fe, e)
				}
			}
		}
		if len(fe) > 0 {
			for _, e := range fe {
				rep.add(RowError{Line: r.line, Field: e.Field, Code: e.Code, Message: e.Message})
			}
			continue
		}
		if i, ok := at[p.Reference]; ok {
			good[i] = p
			rep.Updated++
			continue
		}
		if known {
			rep.Updated++
		} else {
			rep.Created++
		}
		at[p.Reference] = len(good)
		good = append(good, p)
	}
	if len(rep.Errors) > 0 && !skipBad {
		return nil
	}
	return s.db.UpsertProducts(ctx, good)
}

// ExportProducts streams the products matching f, by name, page by page,
// to each, and records the export.
func (s *Service) ExportProducts(ctx context.Context, f catalog.Filter, each func(catalog.Product) error) (int, error) {
	if err := access.Require(ctx, access.Sales, access.Export); err != nil {
		return 0, err
	}
	f.Limit = 500
	n := 0
	for {
		page, err := s.db.ListProducts(ctx, f)
		if err != nil {
			return n, err
		}
		for _, p := range page {
			if err := each(visibleProduct(ctx, p)); err != nil {
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
		return s.record(ctx, activity.Entry{Module: string(access.Sales), Action: "export", RecordType: "product", Summary: strconv.Itoa(n)})
	})
}
