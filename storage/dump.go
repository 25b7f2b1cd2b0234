package storage

// A logical dump is the database as one JSON-lines file per table, read in
// one snapshot: the same files come out of SQLite and PostgreSQL and load
// into either (dump_load.go). It is how a PostgreSQL instance is backed up
// while it serves, how a backup moves from one engine to the other, and
// how one account leaves an instance as a restorable backup.
//
// Everything about the tables — their names, columns, types, keys and
// foreign keys — is read from the live schema, never from a list kept by
// hand: a table or column added by a later migration is dumped and loaded
// without a change here. The only hand-kept list says which tables an
// account dump leaves out, and a test fails on a table it does not know.

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
)

// DumpTable describes one table of a logical dump.
type DumpTable struct {
	Name    string       `json:"name"`
	Columns []DumpColumn `json:"columns"`
	Rows    int64        `json:"rows"`
}

// DumpColumn is one column: its name and its portable type, one of
// "integer", "text", "boolean", "timestamp", "date", "bytes", "real".
type DumpColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// DumpOptions say what a dump holds.
type DumpOptions struct {
	// Account, when not 0, dumps that one account instead of the whole
	// instance.
	Account int64
}

// The portable column types, as a dump names them.
const (
	typeInteger   = "integer"
	typeText      = "text"
	typeBoolean   = "boolean"
	typeTimestamp = "timestamp"
	typeDate      = "date"
	typeBytes     = "bytes"
	typeReal      = "real"
)

// AccountDumpOmitted lists the tables an account dump leaves out, with why.
// Every other table with an account_id column is dumped (its rows of the
// account), with accounts (the account's row) and users (those the
// account's rows point at, without their credentials). A table that has
// no account_id and is not listed here makes an account dump fail, so
// that a table added later is classified rather than forgotten.
var AccountDumpOmitted = map[string]string{
	"sessions":            "logins in progress: a session's token hash is a credential; restored members log in again",
	"login_failures":      "counters of failed logins, by e-mail address and for minutes: ephemeral, and not an account's",
	"password_resets":     "reset codes in flight: credentials that expire within the hour",
	"email_verifications": "verification codes in flight: credentials that expire",
	"idempotency_keys":    "answers remembered for retried requests, kept a day: ephemeral",
	"recovery_codes":      "second-factor recovery codes: credentials, which go with the second factor itself",
	"api_tokens":          "a token's hash lets its holder in: restoring it would re-open access; integrations get new tokens",
	"account_closures":    "a closure's confirmation code in flight: a credential, and a restored account is not being closed",
	"operators":           "the instance's staff, not the account's",
	"operator_sessions":   "the instance's staff's logins: credentials",
	"invitations":         "an invitation's token hash lets the invitee in: a restored account invites again",
	"support_grants":      "an owner's consent to the operator's support access, for hours: it must not come back live",
	"backup_runs":         "the instance's own backups, not the account's",
	"job_leases":          "which instance runs the periodic jobs: the instance's",
}

// dumpBufferSize is the write buffer of each table's file.
const dumpBufferSize = 256 << 10

// userBatch is how many user ids one query of an account dump reads.
const userBatch = 500

// Dump writes, in one consistent read snapshot, every table (or one
// account's rows) to dir/TABLE.jsonl and returns the tables in an order
// Load can insert them in. Each line is a JSON array of one row's values
// in the DumpTable's column order; rows are streamed, so memory stays flat
// whatever the size.
//
// An account dump holds every table with an account_id column except
// those of AccountDumpOmitted, the account's row, and the users its rows
// point at (found through the schema's foreign keys to users), with every
// column privacy declares as credentials emptied and the second factor
// off: credentials never leave in an account dump, and restored members
// set a new password through the reset flow.
func (db *DB) Dump(ctx context.Context, dir string, opts DumpOptions) ([]DumpTable, error) {
	const op = "storage.Dump"
	if opts.Account < 0 {
		return nil, errs.E(op, errs.Invalid, fmt.Sprintf("account %d: an account id is positive", opts.Account))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errs.Wrap(op, fmt.Errorf("create the dump directory: %w", err))
	}
	var out []DumpTable
	err := db.Snapshot(ctx, func(ctx context.Context) error {
		q := db.reader(ctx)
		s, err := readSchema(ctx, q, db.engine)
		if err != nil {
			return err
		}
		names, err := s.dumpTables(opts.Account)
		if err != nil {
			return err
		}
		order, _, err := s.loadOrder(names)
		if err != nil {
			return err
		}
		d := dumper{dir: dir, schema: s, account: opts.Account, users: map[int64]struct{}{}}
		if opts.Account != 0 {
			var name string
			err := q.QueryRowContext(ctx, `SELECT name FROM accounts WHERE id = $1`, opts.Account).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.E(op, errs.NotFound, fmt.Sprintf("account %d does not exist in this instance", opts.Account))
			}
			if err != nil {
				return dbErr(op, err)
			}
		}
		done := map[string]DumpTable{}
		for _, name := range order {
			if opts.Account != 0 && name == "users" {
				continue // once every row that points at a user is read
			}
			t, err := d.table(ctx, q, s.tables[name])
			if err != nil {
				return err
			}
			done[name] = t
		}
		if opts.Account != 0 {
			t, err := d.table(ctx, q, s.tables["users"])
			if err != nil {
				return err
			}
			done["users"] = t
		}
		for _, name := range order {
			out = append(out, done[name])
		}
		return nil
	})
	if err != nil {
		return nil, errs.Wrap(op, err)
	}
	return out, nil
}

// TableCounts counts the rows of every table of the live schema except the
// internal ones (privacy.Internal: the migration tool's, sqlite_sequence,
// the search index's shadow tables).
func (db *DB) TableCounts(ctx context.Context) (map[string]int64, error) {
	const op = "storage.TableCounts"
	out := map[string]int64{}
	err := db.Snapshot(ctx, func(ctx context.Context) error {
		q := db.reader(ctx)
		s, err := readSchema(ctx, q, db.engine)
		if err != nil {
			return err
		}
		for _, name := range s.names {
			var n int64
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(name)).Scan(&n); err != nil {
				return dbErr(op, fmt.Errorf("count %s: %w", name, err))
			}
			out[name] = n
		}
		return nil
	})
	if err != nil {
		return nil, errs.Wrap(op, err)
	}
	return out, nil
}

// dumpTables returns the tables a dump holds: every table for the whole
// instance; for an account, the tables with an account_id column and
// accounts and users, less AccountDumpOmitted.
func (s *dumpSchema) dumpTables(account int64) ([]string, error) {
	if account == 0 {
		return slices.Clone(s.names), nil
	}
	var out, unknown []string
	for _, name := range s.names {
		_, omitted := AccountDumpOmitted[name]
		switch {
		case omitted:
		case name == "accounts" || name == "users" || s.tables[name].has("account_id"):
			out = append(out, name)
		default:
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		return nil, errs.E("storage.Dump", errs.Internal, fmt.Sprintf(
			"tables %s have no account_id: say in storage.AccountDumpOmitted why an account dump leaves them out, or give them an account_id",
			strings.Join(unknown, ", ")))
	}
	for _, name := range []string{"accounts", "users"} {
		if !slices.Contains(out, name) {
			return nil, errs.E("storage.Dump", errs.Internal, "the schema has no "+name+" table")
		}
	}
	return out, nil
}

// dumper writes the tables of one dump.
type dumper struct {
	dir     string
	schema  *dumpSchema
	account int64
	// users collects, in an account dump, the ids of the users the
	// account's rows point at.
	users map[int64]struct{}
}

// table writes one table's rows to its file.
func (d *dumper) table(ctx context.Context, q querier, t *schemaTable) (DumpTable, error) {
	out := DumpTable{Name: t.name}
	for _, c := range t.columns {
		if c.typ == "" {
			return out, fmt.Errorf("%s.%s is declared %q, a type a dump cannot carry", t.name, c.name, c.declared)
		}
		out.Columns = append(out.Columns, DumpColumn{Name: c.name, Type: c.typ})
	}
	path := filepath.Join(d.dir, t.name+".jsonl")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return out, fmt.Errorf("dump %s: %w", t.name, err)
	}
	w := &tableWriter{t: t, w: bufio.NewWriterSize(f, dumpBufferSize)}
	if d.account != 0 {
		w.replace = accountScrub(t)
		for _, fk := range t.fks {
			if fk.table == "users" && len(fk.from) == 1 {
				w.collect = append(w.collect, t.index[fk.from[0]])
			}
		}
		w.users = d.users
	}
	err = d.rows(ctx, q, t, w)
	if err == nil {
		err = w.w.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return out, fmt.Errorf("dump %s: %w", t.name, err)
	}
	out.Rows = w.rows
	return out, nil
}

// rows runs the queries that read t's rows of the dump into w.
func (d *dumper) rows(ctx context.Context, q querier, t *schemaTable, w *tableWriter) error {
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = quote(c.name)
	}
	base := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + quote(t.name)
	order := ""
	if len(t.pk) > 0 {
		keys := make([]string, len(t.pk))
		for i, k := range t.pk {
			keys[i] = quote(k)
		}
		order = ` ORDER BY ` + strings.Join(keys, ", ")
	}
	switch {
	case d.account == 0:
		return w.query(ctx, q, base+order)
	case t.name == "accounts":
		return w.query(ctx, q, base+` WHERE id = $1`+order, d.account)
	case t.name == "users":
		ids := make([]int64, 0, len(d.users))
		for id := range d.users {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for len(ids) > 0 {
			n := min(len(ids), userBatch)
			marks := make([]string, n)
			args := make([]any, n)
			for i := range n {
				marks[i] = "$" + strconv.Itoa(i+1)
				args[i] = ids[i]
			}
			if err := w.query(ctx, q, base+` WHERE id IN (`+strings.Join(marks, ", ")+`)`+order, args...); err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	default:
		return w.query(ctx, q, base+` WHERE account_id = $1`+order, d.account)
	}
}

// accountScrub returns, for an account dump, the values that replace a
// table's credentials: every column privacy declares as credentials is
// emptied, and for users the second factor that went with its secret is
// off, as DisableTOTP leaves it.
func accountScrub(t *schemaTable) map[int]any {
	out := map[int]any{}
	for _, f := range privacy.FieldsOf(t.name) {
		i, ok := t.index[f.Column]
		if f.Category != privacy.Credentials || !ok {
			continue
		}
		if t.columns[i].notNull {
			out[i] = ""
		} else {
			out[i] = nil
		}
	}
	if t.name == "users" {
		if i, ok := t.index["totp_enabled_at"]; ok {
			out[i] = nil
		}
		if i, ok := t.index["totp_last_step"]; ok {
			out[i] = int64(0)
		}
	}
	return out
}

// tableWriter encodes one table's rows as JSON lines.
type tableWriter struct {
	t       *schemaTable
	w       *bufio.Writer
	rows    int64
	buf     []byte
	replace map[int]any // column index → the value written instead
	collect []int       // columns whose non-null values are user ids
	users   map[int64]struct{}
}

func (w *tableWriter) query(ctx context.Context, q querier, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(w.t.columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		clear(vals)
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for _, i := range w.collect {
			if id, ok := vals[i].(int64); ok {
				w.users[id] = struct{}{}
			}
		}
		for i, v := range w.replace {
			vals[i] = v
		}
		w.buf = append(w.buf[:0], '[')
		for i, v := range vals {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.buf, err = appendValue(w.buf, w.t.columns[i].typ, v)
			if err != nil {
				return fmt.Errorf("row %s, column %s: %w", w.t.rowKey(vals), w.t.columns[i].name, err)
			}
		}
		w.buf = append(w.buf, ']', '\n')
		if _, err := w.w.Write(w.buf); err != nil {
			return err
		}
		w.rows++
	}
	return rows.Err()
}

// timestampLayout is how a dump writes times: RFC 3339 in UTC, always with
// nine digits of fraction so that equal times are equal strings.
const timestampLayout = "2006-01-02T15:04:05.000000000Z07:00"

// dateLayout is how a dump writes dates.
const dateLayout = "2006-01-02"

// appendValue appends the JSON of a value scanned from either engine as
// a column of type typ.
func appendValue(buf []byte, typ string, v any) ([]byte, error) {
	if v == nil {
		return append(buf, "null"...), nil
	}
	switch typ {
	case typeInteger:
		switch x := v.(type) {
		case int64:
			return strconv.AppendInt(buf, x, 10), nil
		case bool: // a boolean kept in an integer column
			if x {
				return append(buf, '1'), nil
			}
			return append(buf, '0'), nil
		}
	case typeBoolean:
		switch x := v.(type) {
		case bool:
			return strconv.AppendBool(buf, x), nil
		case int64: // SQLite keeps booleans as 0 and 1
			return strconv.AppendBool(buf, x != 0), nil
		}
	case typeText:
		switch x := v.(type) {
		case string:
			return appendString(buf, x)
		case []byte:
			return appendString(buf, string(x))
		}
	case typeTimestamp:
		switch x := v.(type) {
		case time.Time:
			return appendTime(buf, x), nil
		case string: // a text SQLite's driver could not read as a time
			t, err := parseSQLiteTime(x)
			if err != nil {
				return buf, err
			}
			return appendTime(buf, t), nil
		}
	case typeDate:
		switch x := v.(type) {
		case time.Time:
			return strconv.AppendQuote(buf, x.Format(dateLayout)), nil
		case string:
			if _, err := time.Parse(dateLayout, x); err != nil {
				return buf, fmt.Errorf("%q is not a date (YYYY-MM-DD)", x)
			}
			return strconv.AppendQuote(buf, x), nil
		}
	case typeBytes:
		var b []byte
		switch x := v.(type) {
		case []byte:
			b = x
		case string:
			b = []byte(x)
		default:
			return buf, fmt.Errorf("a %T where bytes are expected", v)
		}
		buf = append(buf, '"')
		buf = base64.StdEncoding.AppendEncode(buf, b)
		return append(buf, '"'), nil
	case typeReal:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int64:
			f = float64(x)
		default:
			return buf, fmt.Errorf("a %T where a real is expected", v)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return buf, fmt.Errorf("%v has no JSON form", f)
		}
		return strconv.AppendFloat(buf, f, 'g', -1, 64), nil
	}
	return buf, fmt.Errorf("a %T where %s is expected", v, article(typ))
}

func appendTime(buf []byte, t time.Time) []byte {
	buf = append(buf, '"')
	buf = t.UTC().AppendFormat(buf, timestampLayout)
	return append(buf, '"')
}

// parseSQLiteTime reads the forms of time SQLite's driver writes and reads.
func parseSQLiteTime(s string) (time.Time, error) {
	for _, layout := range []string{
		"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano,
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time", s)
}

// appendString appends s as a JSON string. Text that is not UTF-8 has no
// JSON form: it is refused rather than changed.
func appendString(buf []byte, s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return buf, fmt.Errorf("the text is not valid UTF-8")
	}
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		buf = append(buf, s[start:i]...)
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"'), nil
}

func article(typ string) string {
	if typ == typeInteger {
		return "an integer"
	}
	return "a " + typ
}

// quote quotes an identifier of the live schema, already checked against
// identifier, so that a column named like a keyword (key, date, position)
// reads the same on both engines.
func quote(name string) string { return `"` + name + `"` }

// dumpSchema is the live schema as a dump sees it: every table but the
// internal ones (privacy.Internal).
type dumpSchema struct {
	tables map[string]*schemaTable
	names  []string // sorted
}

type schemaTable struct {
	name    string
	columns []schemaColumn
	index   map[string]int // column name → position
	pk      []string       // the primary key's columns, in order
	fks     []schemaFK
}

type schemaColumn struct {
	name     string
	declared string // the engine's type
	typ      string // the portable type; "" when there is none
	notNull  bool
}

// schemaFK is a foreign key: from columns of its table to columns of table.
type schemaFK struct {
	from  []string
	table string
	to    []string
}

func (t *schemaTable) has(column string) bool {
	_, ok := t.index[column]
	return ok
}

// rowKey names a row by its primary key, for error messages.
func (t *schemaTable) rowKey(vals []any) string {
	if len(t.pk) == 0 {
		return "(no primary key)"
	}
	parts := make([]string, len(t.pk))
	for i, k := range t.pk {
		parts[i] = fmt.Sprintf("%s %v", k, vals[t.index[k]])
	}
	return strings.Join(parts, ", ")
}

// portableType maps a column type declared on either engine to a dump's type, or
// "" when a dump cannot carry it. The types of both engines' migrations
// are here, and their usual synonyms.
func portableType(declared string) string {
	d := strings.ToLower(strings.TrimSpace(declared))
	if i := strings.IndexByte(d, '('); i >= 0 {
		d = strings.TrimSpace(d[:i]) // varchar(20), numeric precision
	}
	switch d {
	case "integer", "int", "bigint", "smallint", "int2", "int4", "int8":
		return typeInteger
	case "text", "varchar", "character varying", "char", "character", "clob":
		return typeText
	case "boolean", "bool":
		return typeBoolean
	case "timestamp", "timestamptz", "datetime", "timestamp with time zone", "timestamp without time zone":
		return typeTimestamp
	case "date":
		return typeDate
	case "blob", "bytea":
		return typeBytes
	case "real", "double", "double precision", "float", "float4", "float8":
		return typeReal
	}
	return ""
}

// readSchema reads the live schema through q.
func readSchema(ctx context.Context, q querier, engine Engine) (*dumpSchema, error) {
	s := &dumpSchema{tables: map[string]*schemaTable{}}
	var err error
	if engine == Postgres {
		err = s.readPostgres(ctx, q)
	} else {
		err = s.readSQLite(ctx, q)
	}
	if err != nil {
		return nil, fmt.Errorf("read the schema: %w", err)
	}
	for _, t := range s.tables {
		for i, fk := range t.fks {
			if len(fk.to) == 0 || fk.to[0] == "" { // SQLite: REFERENCES t, to its primary key
				if ref, ok := s.tables[fk.table]; ok {
					t.fks[i].to = ref.pk
				}
			}
		}
	}
	sort.Strings(s.names)
	return s, nil
}

// add registers a table of the live schema, or skips an internal one.
func (s *dumpSchema) add(name string) (*schemaTable, error) {
	if slices.Contains(privacy.Internal, name) || strings.HasPrefix(name, "sqlite_") {
		return nil, nil
	}
	if !identifier.MatchString(name) {
		return nil, fmt.Errorf("table %q: a name a dump does not carry", name)
	}
	t := &schemaTable{name: name, index: map[string]int{}}
	s.tables[name] = t
	s.names = append(s.names, name)
	return t, nil
}

func (t *schemaTable) addColumn(name, declared string, notNull bool) error {
	if !identifier.MatchString(name) {
		return fmt.Errorf("column %s.%q: a name a dump does not carry", t.name, name)
	}
	t.index[name] = len(t.columns)
	t.columns = append(t.columns, schemaColumn{name: name, declared: declared, typ: portableType(declared), notNull: notNull})
	return nil
}

func (s *dumpSchema) readSQLite(ctx context.Context, q querier) error {
	names, err := queryStrings(ctx, q, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return err
	}
	for _, name := range names {
		if _, err := s.add(name); err != nil {
			return err
		}
	}
	for _, name := range s.names {
		t := s.tables[name]
		rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info($1) ORDER BY cid`, name)
		if err != nil {
			return err
		}
		type pkCol struct {
			pos  int
			name string
		}
		var pk []pkCol
		for rows.Next() {
			var col, typ string
			var notNull bool
			var pos int
			if err := rows.Scan(&col, &typ, &notNull, &pos); err != nil {
				rows.Close()
				return err
			}
			if err := t.addColumn(col, typ, notNull); err != nil {
				rows.Close()
				return err
			}
			if pos > 0 {
				pk = append(pk, pkCol{pos, col})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		sort.Slice(pk, func(i, j int) bool { return pk[i].pos < pk[j].pos })
		for _, c := range pk {
			t.pk = append(t.pk, c.name)
		}
		rows, err = q.QueryContext(ctx, `SELECT id, "table", "from", COALESCE("to", '') FROM pragma_foreign_key_list($1) ORDER BY id, seq`, name)
		if err != nil {
			return err
		}
		last := int64(-1)
		for rows.Next() {
			var id int64
			var ref, from, to string
			if err := rows.Scan(&id, &ref, &from, &to); err != nil {
				rows.Close()
				return err
			}
			if id != last {
				t.fks = append(t.fks, schemaFK{table: ref})
				last = id
			}
			fk := &t.fks[len(t.fks)-1]
			fk.from = append(fk.from, from)
			if to != "" {
				fk.to = append(fk.to, to)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (s *dumpSchema) readPostgres(ctx context.Context, q querier) error {
	names, err := queryStrings(ctx, q, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return err
	}
	for _, name := range names {
		if _, err := s.add(name); err != nil {
			return err
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_nullable = 'NO'
		FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var table, col, typ string
		var notNull bool
		if err := rows.Scan(&table, &col, &typ, &notNull); err != nil {
			rows.Close()
			return err
		}
		if t := s.tables[table]; t != nil {
			if err := t.addColumn(col, typ, notNull); err != nil {
				rows.Close()
				return err
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT cl.relname, a.attname
		FROM pg_index i
		JOIN pg_class cl ON cl.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = cl.relnamespace
		CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		WHERE i.indisprimary AND n.nspname = current_schema()
		ORDER BY cl.relname, k.ord`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			rows.Close()
			return err
		}
		if t := s.tables[table]; t != nil {
			t.pk = append(t.pk, col)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT c.oid::bigint, cl.relname, fcl.relname, a.attname, fa.attname
		FROM pg_constraint c
		JOIN pg_class cl ON cl.oid = c.conrelid
		JOIN pg_namespace n ON n.oid = cl.relnamespace
		JOIN pg_class fcl ON fcl.oid = c.confrelid
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
		JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fattnum
		WHERE c.contype = 'f' AND n.nspname = current_schema()
		ORDER BY cl.relname, c.oid, k.ord`)
	if err != nil {
		return err
	}
	defer rows.Close()
	last := int64(-1)
	for rows.Next() {
		var oid int64
		var table, ref, from, to string
		if err := rows.Scan(&oid, &table, &ref, &from, &to); err != nil {
			return err
		}
		t := s.tables[table]
		if t == nil {
			continue
		}
		if oid != last {
			t.fks = append(t.fks, schemaFK{table: ref})
			last = oid
		}
		fk := &t.fks[len(t.fks)-1]
		fk.from = append(fk.from, from)
		fk.to = append(fk.to, to)
	}
	return rows.Err()
}

func queryStrings(ctx context.Context, q querier, query string) ([]string, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// deferredFK is a foreign key that cannot be honoured while its table is
// inserted (the table points at itself, or is part of a cycle): its
// nullable columns are inserted NULL and set once every row is in.
type deferredFK struct {
	schemaFK
	columns []string // the nullable columns of from, NULL until set
}

// loadOrder sorts names so that every table comes after the tables its
// foreign keys point at, and returns per table the foreign keys that no
// order honours. A cycle is broken at a table whose keys into the rest of
// it have a nullable column; one that cannot be broken is an error.
func (s *dumpSchema) loadOrder(names []string) ([]string, map[string][]deferredFK, error) {
	in := map[string]bool{}
	for _, n := range names {
		in[n] = true
	}
	deferred := map[string][]deferredFK{}
	nullable := func(t *schemaTable, fk schemaFK) []string {
		var cols []string
		for _, c := range fk.from {
			if i, ok := t.index[c]; ok && !t.columns[i].notNull {
				cols = append(cols, c)
			}
		}
		return cols
	}
	// deps[t] are the tables of names t's remaining keys point at.
	deps := map[string]map[string]bool{}
	for _, n := range names {
		t := s.tables[n]
		deps[n] = map[string]bool{}
		for _, fk := range t.fks {
			switch {
			case !in[fk.table]:
			case fk.table == n:
				cols := nullable(t, fk)
				if len(cols) == 0 {
					return nil, nil, fmt.Errorf("table %s points at itself through NOT NULL columns %s: no order of its rows can be loaded",
						n, strings.Join(fk.from, ", "))
				}
				deferred[n] = append(deferred[n], deferredFK{fk, cols})
			default:
				deps[n][fk.table] = true
			}
		}
	}
	var order []string
	left := slices.Clone(names)
	sort.Strings(left)
	for len(left) > 0 {
		progress := false
		for i := 0; i < len(left); i++ {
			n := left[i]
			if len(deps[n]) > 0 {
				continue
			}
			order = append(order, n)
			left = slices.Delete(left, i, i+1)
			for _, m := range left {
				delete(deps[m], n)
			}
			progress = true
			break // the first ready table by name: a stable order
		}
		if progress {
			continue
		}
		// A cycle: defer the keys of the first table (by name) whose keys
		// into the rest of the cycle can all be NULL for a while.
		broken := false
		for _, n := range left {
			t := s.tables[n]
			var keys []deferredFK
			ok := true
			for _, fk := range t.fks {
				if fk.table == n || !deps[n][fk.table] {
					continue
				}
				cols := nullable(t, fk)
				if len(cols) == 0 {
					ok = false
					break
				}
				keys = append(keys, deferredFK{fk, cols})
			}
			if ok {
				deferred[n] = append(deferred[n], keys...)
				clear(deps[n])
				broken = true
				break
			}
		}
		if !broken {
			return nil, nil, fmt.Errorf("tables %s point at each other through NOT NULL columns: no order of them can be loaded",
				strings.Join(left, ", "))
		}
	}
	return order, deferred, nil
}
