package service

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/sheet"
	"github.com/comptoir/comptoir/storage"
)

// exportEntities are the files of the account export: one CSV and one
// JSON file each, named after the entity, read from its table.
var exportEntities = []struct{ Name, Table string }{
	{"account", "accounts"}, {"bank_accounts", "bank_accounts"}, {"sales_settings", "sales_settings"},
	{"number_series", "number_series"}, {"roles", "roles"}, {"invitations", "invitations"},
	{"api_tokens", "api_tokens"}, {"support_grants", "support_grants"},
	{"contacts", "contacts"}, {"addresses", "contact_addresses"}, {"conversations", "conversations"},
	{"cases", "cases"}, {"saved_views", "contact_views"}, {"products", "products"},
	{"product_suppliers", "product_suppliers"}, {"documents", "documents"}, {"document_lines", "document_lines"},
	{"payments", "payments"}, {"payment_allocations", "payment_allocations"}, {"reminders", "dunning_reminders"},
	{"attachments", "attachments"}, {"activity", "activity"}, {"mail_log", "mail_log"}, {"breaches", "breaches"},
	{"register_versions", "register_versions"}, {"retention_policies", "retention_policies"},
	{"retention_runs", "retention_runs"}, {"privacy_requests", "privacy_requests"},
	{"privacy_request_contacts", "privacy_request_contacts"},
}

// exportSkips are columns the export leaves out: the tenant key, derived
// search columns, binary data (the logo is a file of its own).
var exportSkips = []string{"account_id", "logo", "sort_key", "search_text", "phone_key"}

// secretColumn reports whether a column holds a secret the export must
// never contain: a password hash, a second-factor secret, a token's or a
// code's hash.
func secretColumn(table, column string) bool {
	if strings.HasSuffix(column, "_hash") || strings.Contains(column, "secret") || column == "password" {
		return true
	}
	for _, f := range privacy.FieldsOf(table) {
		if f.Column == column && f.Category == privacy.Credentials {
			return true
		}
	}
	return false
}

// exportPage is how many rows the export reads at a time.
const exportPage = 500

// ExportStats says what an account export wrote.
type ExportStats struct {
	Counts      map[string]int `json:"counts"` // rows per entity
	PDFs        int            `json:"pdfs"`
	Attachments int            `json:"attachments"`
	Bytes       int64          `json:"bytes"` // of the ZIP file
}

// requireOwner lets the account's owner, or the instance itself, through.
func requireOwner(ctx context.Context, op string) error {
	if access.IsSystem(ctx) {
		return nil
	}
	if access.From(ctx).Role != access.RoleOwner {
		return errs.E(op, errs.Forbidden, "only the account's owner can do this")
	}
	return nil
}

// ExportAccount writes the whole current account to w as a ZIP file: every
// entity as CSV (formula-safe) and as JSON, every document's PDF, every
// attached file, the logo and a README with the counts. It streams: rows
// are read a page at a time and files one at a time, so a large account
// takes no more memory than a small one. Only the owner exports the
// account (and the instance's operator, from the command line, the
// archive of a closed one). The export is in the activity log.
func (s *Service) ExportAccount(ctx context.Context, w io.Writer) (ExportStats, error) {
	const op = "service.ExportAccount"
	stats := ExportStats{Counts: map[string]int{}}
	if err := access.Require(ctx, access.Privacy, access.Export); err != nil {
		return stats, err
	}
	if err := requireOwner(ctx, op); err != nil {
		return stats, err
	}
	a, err := s.db.Account(ctx)
	if err != nil {
		return stats, errs.Wrap(op, err)
	}
	if err := s.db.WithTx(ctx, func(ctx context.Context) error {
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "export", RecordType: "account",
			RecordID: a.ID, Summary: a.Name})
	}); err != nil {
		return stats, errs.Wrap(op, err)
	}
	cw := &countingWriter{w: w}
	z := zip.NewWriter(cw) // which buffers its output
	x := &exporter{s: s, z: z, now: s.db.Now(ctx), stats: &stats, account: a}
	// One snapshot: the files agree with each other however long it takes.
	if err := s.db.Snapshot(ctx, x.write); err != nil {
		return stats, errs.Wrap(op, err)
	}
	stats.Bytes = cw.n
	return stats, nil
}

// write writes every entry of the export and closes the ZIP.
func (x *exporter) write(ctx context.Context) error {
	s, a := x.s, x.account
	for _, e := range exportEntities {
		if err := x.table(ctx, e.Name, e.Table); err != nil {
			return err
		}
	}
	if err := x.members(ctx); err != nil {
		return err
	}
	if err := x.pdfs(ctx); err != nil {
		return err
	}
	if err := x.attachments(ctx); err != nil {
		return err
	}
	if a.HasLogo {
		logo, typ, err := s.db.AccountLogo(ctx)
		if err != nil {
			return err
		}
		ext := map[string]string{files.PNG: ".png", files.JPEG: ".jpg"}[typ]
		if err := x.file("logo"+ext, logo, zip.Store); err != nil {
			return err
		}
	}
	if err := x.readme(); err != nil {
		return err
	}
	return x.z.Close()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// exporter writes the entries of one account export.
type exporter struct {
	s       *Service
	z       *zip.Writer
	now     time.Time
	stats   *ExportStats
	account account.Account
	names   map[string]bool
	missing []string // attached files that could not be read
}

func (x *exporter) create(name string, method uint16) (io.Writer, error) {
	if x.names == nil {
		x.names = map[string]bool{}
	}
	if x.names[name] {
		return nil, fmt.Errorf("export: %s written twice", name)
	}
	x.names[name] = true
	return x.z.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: x.now})
}

func (x *exporter) file(name string, data []byte, method uint16) error {
	f, err := x.create(name, method)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

// columns are the exported columns of a table: no secret, no internal
// column.
func (x *exporter) columns(ctx context.Context, table string) ([]storage.Column, error) {
	all, err := x.s.db.ExportColumns(ctx, table)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if !slices.Contains(exportSkips, c.Name) && !secretColumn(table, c.Name) {
			out = append(out, c)
		}
	}
	return out, nil
}

// table writes csv/<name>.csv and json/<name>.json from table, reading it
// twice rather than holding it.
func (x *exporter) table(ctx context.Context, name, table string) error {
	cols, err := x.columns(ctx, table)
	if err != nil {
		return err
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	f, err := x.create("csv/"+name+".csv", zip.Deflate)
	if err != nil {
		return err
	}
	cw, err := sheet.NewWriter(f, false)
	if err != nil {
		return err
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	n := 0
	rec := make([]string, len(cols))
	if err := x.s.db.ExportRows(ctx, table, cols, exportPage, func(row []any) error {
		n++
		for i, v := range row {
			rec[i] = cell(v)
		}
		return cw.Write(rec)
	}); err != nil {
		return err
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	x.stats.Counts[name] = n
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		keys[i], _ = json.Marshal(c.Name)
	}
	return x.jsonArray(name, func(item func(any) error) error {
		return x.s.db.ExportRows(ctx, table, cols, exportPage, func(row []any) error {
			return item(orderedObject{keys: keys, values: row})
		})
	})
}

// jsonArray writes json/<name>.json as an array of the items each yields,
// one per line.
func (x *exporter) jsonArray(name string, each func(item func(any) error) error) error {
	f, err := x.create("json/"+name+".json", zip.Deflate)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, "["); err != nil {
		return err
	}
	first := true
	if err := each(func(v any) error {
		var b []byte
		var err error
		if o, ok := v.(orderedObject); ok {
			b, err = o.MarshalJSON() // already compact: skip encoding/json's check and copy
		} else {
			b, err = json.Marshal(v)
		}
		if err != nil {
			return err
		}
		sep := ",\n"
		if first {
			sep, first = "\n", false
		}
		if _, err := io.WriteString(f, sep); err != nil {
			return err
		}
		_, err = f.Write(b)
		return err
	}); err != nil {
		return err
	}
	_, err = io.WriteString(f, "\n]\n")
	return err
}

// orderedObject is a JSON object with its keys in the table's order.
type orderedObject struct {
	keys   [][]byte
	values []any
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, k := range o.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, k...)
		b = append(b, ':')
		v, err := json.Marshal(o.values[i])
		if err != nil {
			return nil, err
		}
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

// cell is a value as a CSV cell: times in RFC 3339 UTC, NULL empty.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// members writes the account's members: who they are and their role, never
// a password hash, a second-factor secret or a token.
func (x *exporter) members(ctx context.Context) error {
	list, err := x.s.db.ListMembers(ctx)
	if err != nil {
		return err
	}
	f, err := x.create("csv/members.csv", zip.Deflate)
	if err != nil {
		return err
	}
	cw, err := sheet.NewWriter(f, false)
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"user_id", "email", "name", "role", "since", "disabled_at"}); err != nil {
		return err
	}
	for _, m := range list {
		var disabled any
		if m.DisabledAt != nil {
			disabled = *m.DisabledAt
		}
		if err := cw.Write([]string{cell(m.UserID), m.Email, m.Name, m.Role, cell(m.Since), cell(disabled)}); err != nil {
			return err
		}
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	x.stats.Counts["members"] = len(list)
	return x.jsonArray("members", func(item func(any) error) error {
		for _, m := range list {
			if err := item(m); err != nil {
				return err
			}
		}
		return nil
	})
}

// pdfs writes every printable document's PDF, a batch of documents at a
// time; a supplier's quote or bill is not printed, its original is among
// the attachments.
func (x *exporter) pdfs(ctx context.Context) error {
	var after int64
	for {
		ids, err := x.s.db.DocumentIDsAfter(ctx, after, 100)
		if err != nil {
			return err
		}
		for _, id := range ids {
			d, err := x.s.db.Document(ctx, id)
			if err != nil {
				return err
			}
			if sales.Recorded(d.Kind) {
				continue
			}
			data, name, err := x.s.documentPDF(ctx, d)
			if err != nil {
				return err
			}
			path := "pdf/" + name
			if x.names[path] {
				path = "pdf/" + strconv.FormatInt(d.ID, 10) + "-" + name
			}
			if err := x.file(path, data, zip.Deflate); err != nil {
				return err
			}
			x.stats.PDFs++
		}
		if len(ids) < 100 {
			return nil
		}
		after = ids[len(ids)-1]
	}
}

// attachments writes every attached file, checked against its checksum,
// under attachments/<document id>/<id>-<name>.
func (x *exporter) attachments(ctx context.Context) error {
	var after int64
	for {
		list, err := x.s.db.AttachmentsAfter(ctx, after, 100)
		if err != nil {
			return err
		}
		for _, a := range list {
			data, err := x.s.Files.Get(x.account.ID, a.Checksum)
			if errors.Is(err, files.ErrNotFound) || errors.Is(err, files.ErrCorrupted) {
				// Said in the README rather than failing the whole export.
				x.missing = append(x.missing, fmt.Sprintf("attachment %d of document %d (%s): %v", a.ID, a.DocumentID, a.Name, err))
				continue
			}
			if err != nil {
				return fmt.Errorf("attachment %d: %w", a.ID, err)
			}
			name := fmt.Sprintf("attachments/%d/%d-%s", a.DocumentID, a.ID, files.DisplayName(a.Name, a.MediaType))
			if err := x.file(name, data, zip.Store); err != nil {
				return err
			}
			x.stats.Attachments++
		}
		if len(list) < 100 {
			return nil
		}
		after = list[len(list)-1].ID
	}
}

// readme writes README.txt and manifest.json: what the export holds.
func (x *exporter) readme() error {
	var b strings.Builder
	fmt.Fprintf(&b, "Comptoir — export of the account %q (id %d)\r\n", x.account.Name, x.account.ID)
	fmt.Fprintf(&b, "Exported at %s (UTC)\r\n\r\n", x.now.Format(time.RFC3339))
	b.WriteString("csv/    one spreadsheet file per entity (UTF-8, comma-separated; cells a spreadsheet would evaluate start with an apostrophe)\r\n")
	b.WriteString("json/   the same data, one JSON array per entity\r\n")
	b.WriteString("pdf/    every sales and purchase document as printed\r\n")
	b.WriteString("attachments/<document id>/   the files attached to documents (suppliers' bills and quotes)\r\n\r\n")
	b.WriteString("Times are in UTC; amounts in cents; quantities in thousandths; rates in hundredths of a percent.\r\n")
	b.WriteString("No password, second-factor secret or token is exported.\r\n\r\n")
	names := make([]string, 0, len(x.stats.Counts))
	for k := range x.stats.Counts {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintf(&b, "%-22s %d\r\n", k, x.stats.Counts[k])
	}
	fmt.Fprintf(&b, "%-22s %d\r\n%-22s %d\r\n", "pdf", x.stats.PDFs, "attachments", x.stats.Attachments)
	if len(x.missing) > 0 {
		b.WriteString("\r\nFiles that could not be read (missing or altered on the server):\r\n")
		for _, m := range x.missing {
			b.WriteString(m + "\r\n")
		}
	}
	if err := x.file("README.txt", []byte(b.String()), zip.Deflate); err != nil {
		return err
	}
	m, err := json.MarshalIndent(map[string]any{"account_id": x.account.ID, "account_name": x.account.Name,
		"status": x.account.Status, "exported_at": x.now, "counts": x.stats.Counts, "pdfs": x.stats.PDFs,
		"attachments": x.stats.Attachments, "missing_files": len(x.missing)}, "", "  ")
	if err != nil {
		return err
	}
	return x.file("manifest.json", m, zip.Deflate)
}
