package storage

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
)

// LoadOptions say where a dump goes.
type LoadOptions struct {
	// Account, when not 0, loads that one account's dump into a live
	// instance; 0 loads a whole instance into an empty database.
	Account int64
}

// Limits of a load.
const (
	// maxDumpLine bounds one line of a dump file: a row with a logo, or a
	// remembered answer, is far below it; a file that is not a dump is
	// refused before it fills the memory.
	maxDumpLine = 64 << 20
	// Each INSERT on SQLite carries at most insertRows rows and
	// insertParams parameters, under its limit of 32,766.
	insertRows   = 500
	insertParams = 30000
)

// Load reads dir/TABLE.jsonl for each table into db, in one transaction:
// all or nothing. Tables go in the order of the target's foreign keys; a
// key that points into its own table (a person's company) or closes a
// cycle is loaded NULL and set once every row is in.
//
// A whole instance (opts.Account 0) loads into an empty database, migrated
// to the dump's schema version beforehand, and keeps every id; on
// PostgreSQL the identity sequences then follow the ids loaded. One
// account loads into a live instance and touches nothing else: its id and
// every row's key must be free, its rows all of that account; a user of
// the dump already in the instance with the same id and e-mail is kept as
// it is, one whose id or e-mail is another's is refused, any other is
// added without credentials.
//
// A dump is outside input: a wrong value, column, table or file is
// refused with the file, the line and the column it is in.
func (db *DB) Load(ctx context.Context, dir string, tables []DumpTable, opts LoadOptions) error {
	const op = "storage.Load"
	if opts.Account < 0 {
		return errs.E(op, errs.Invalid, fmt.Sprintf("account %d: an account id is positive", opts.Account))
	}
	l := &loader{engine: db.engine, dir: dir, account: opts.Account}
	if _, inTx := ctx.Value(txKey{}).(*txState); db.engine == Postgres && !inTx {
		return errs.Wrap(op, db.loadPostgres(ctx, l, tables))
	}
	err := db.WithTx(ctx, func(ctx context.Context) error {
		l.q = ctx.Value(txKey{}).(*txState).tx
		return l.run(ctx, tables)
	})
	return errs.Wrap(op, err)
}

// loadPostgres runs l on a connection of its own, in a transaction begun
// and ended by hand, so that rows go in through COPY (database/sql's
// transactions do not reach it): 50,000 contacts load in half the time
// batched INSERTs took, the server's index upkeep being most of the rest.
func (db *DB) loadPostgres(ctx context.Context, l *loader, tables []DumpTable) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return dbErr("storage.Load", err)
	}
	defer func() { _ = conn.Close() }()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return dbErr("storage.Load", err)
	}
	done := false
	defer func() {
		if done {
			return
		}
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			// A connection whose transaction could not end is not reused.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	l.q = conn
	l.copy = func(ctx context.Context, table string, columns []string, src pgx.CopyFromSource) (int64, error) {
		var n int64
		err := conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("COPY needs pgx's connection, not %T", dc)
			}
			var err error
			n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, src)
			return err
		})
		return n, err
	}
	if err := l.run(ctx, tables); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	done = true
	return nil
}

// run is the load itself, inside the transaction l.q.
func (l *loader) run(ctx context.Context, tables []DumpTable) error {
	s, err := readSchema(ctx, l.q, l.engine)
	if err != nil {
		return err
	}
	l.schema = s
	plans, names, err := l.plan(tables)
	if err != nil {
		return err
	}
	if err := l.checkTarget(ctx); err != nil {
		return err
	}
	order, deferred, err := s.loadOrder(names)
	if err != nil {
		return err
	}
	for _, name := range order {
		p := plans[name]
		p.deferred = deferred[name]
		if err := l.load(ctx, p); err != nil {
			return err
		}
	}
	for _, name := range order {
		if p := plans[name]; p.pending {
			if err := l.setDeferred(ctx, p); err != nil {
				return err
			}
		}
	}
	if l.account != 0 && plans["accounts"].loaded == 0 {
		return invalid(fmt.Sprintf("the dump holds no row of account %d in accounts.jsonl", l.account))
	}
	if l.engine == Postgres {
		return l.followSequences(ctx, names)
	}
	return nil
}

func invalid(msg string) error { return errs.E("storage.Load", errs.Invalid, msg) }

// refused is the database's refusal of a row of the dump, at where: a key
// taken (a conflict) or a constraint the row breaks (bad input).
func refused(where string, err error) error {
	kind := errs.Invalid
	if isUniqueViolation(err) {
		kind = errs.Conflict
	}
	msg := err.Error()
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Detail != "" {
		msg += " (" + pe.Detail + ")"
	}
	return &errs.Error{Op: "storage.Load", Kind: kind, Message: where + ": the database refused it: " + msg, Err: err}
}

// loader is one load in progress.
type loader struct {
	engine Engine
	q      querier // the load's transaction
	// copy runs a COPY on PostgreSQL's connection; nil on SQLite.
	copy    func(ctx context.Context, table string, columns []string, src pgx.CopyFromSource) (int64, error)
	schema  *dumpSchema
	dir     string
	account int64
}

// tablePlan is how one table of the dump goes into its target table.
type tablePlan struct {
	dump     DumpTable
	target   *schemaTable
	path     string
	cols     []int // dump column → target column
	deferred []deferredFK
	// nulled are the dump columns inserted NULL, set after every row is in
	// when pending: when one of them held a value.
	nulled  []int
	pending bool
	// owner is the dump column holding the account (account_id, or id in
	// accounts), -1 for users; checked in an account load.
	owner int
	// scrub replaces the credentials of users in an account load.
	scrub  map[int]any
	loaded int64
}

// plan checks the dump's list of tables against the target's schema and
// the files in dir before anything is written.
func (l *loader) plan(tables []DumpTable) (map[string]*tablePlan, []string, error) {
	plans := map[string]*tablePlan{}
	var names []string
	for _, dt := range tables {
		if !identifier.MatchString(dt.Name) {
			return nil, nil, invalid(fmt.Sprintf("the dump names a table %q, not a table name", dt.Name))
		}
		if _, dup := plans[dt.Name]; dup {
			return nil, nil, invalid(fmt.Sprintf("the dump lists table %s twice", dt.Name))
		}
		t := l.schema.tables[dt.Name]
		if slices.Contains(privacy.Internal, dt.Name) {
			return nil, nil, invalid(fmt.Sprintf("the dump has a table %s, which is the database's own: a dump does not carry it", dt.Name))
		}
		if t == nil {
			return nil, nil, invalid(fmt.Sprintf("the dump has a table %s that this database's schema has not: migrate it to the dump's schema version first", dt.Name))
		}
		p := &tablePlan{dump: dt, target: t, path: filepath.Join(l.dir, dt.Name+".jsonl"), owner: -1}
		seen := map[string]bool{}
		for _, c := range dt.Columns {
			i, ok := t.index[c.Name]
			if !ok {
				return nil, nil, invalid(fmt.Sprintf("%s: the dump has a column %s that this database's table has not: migrate it to the dump's schema version first", dt.Name, c.Name))
			}
			if seen[c.Name] {
				return nil, nil, invalid(fmt.Sprintf("%s: the dump lists column %s twice", dt.Name, c.Name))
			}
			seen[c.Name] = true
			target := t.columns[i]
			if target.typ == "" {
				return nil, nil, invalid(fmt.Sprintf("%s.%s is declared %q here, a type a dump cannot load", dt.Name, c.Name, target.declared))
			}
			if !convertible(c.Type, target.typ) {
				return nil, nil, invalid(fmt.Sprintf("%s.%s: the dump's %s values cannot go into a %s column", dt.Name, c.Name, c.Type, target.typ))
			}
			p.cols = append(p.cols, i)
		}
		if len(p.cols) == 0 {
			return nil, nil, invalid(fmt.Sprintf("%s: the dump gives it no columns", dt.Name))
		}
		if l.account != 0 {
			if err := p.accountChecks(); err != nil {
				return nil, nil, err
			}
		}
		if st, err := os.Stat(p.path); err != nil || !st.Mode().IsRegular() {
			return nil, nil, invalid(fmt.Sprintf("the dump lists table %s but has no file %s.jsonl", dt.Name, dt.Name))
		}
		plans[dt.Name] = p
		names = append(names, dt.Name)
	}
	if l.account != 0 {
		for _, name := range []string{"accounts", "users"} {
			if plans[name] == nil {
				return nil, nil, invalid("an account's dump holds " + name + ": this one has none")
			}
		}
	}
	return plans, names, nil
}

// accountChecks sees that a table may be part of an account's dump and
// finds its owner column.
func (p *tablePlan) accountChecks() error {
	name := p.dump.Name
	if why, ok := AccountDumpOmitted[name]; ok {
		return invalid(fmt.Sprintf("an account's dump does not carry %s (%s)", name, why))
	}
	owner := "account_id"
	switch {
	case name == "users":
		p.scrub = accountScrub(p.target)
		for _, c := range []string{"id", "email"} {
			if p.column(c) < 0 {
				return invalid("users: the dump has no " + c + " column")
			}
		}
		return nil
	case name == "accounts":
		owner = "id"
	case !p.target.has("account_id"):
		return invalid(fmt.Sprintf("an account's dump does not carry %s, a table of the whole instance", name))
	}
	if p.owner = p.column(owner); p.owner < 0 {
		return invalid(fmt.Sprintf("%s: the dump has no %s column", name, owner))
	}
	return nil
}

// column returns the dump column named name, or -1.
func (p *tablePlan) column(name string) int {
	for i, c := range p.dump.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// convertible reports whether a dump's values of type from load into a
// column of type to: the same type, or a boolean kept as an integer on one
// side (SQLite declares some booleans INTEGER).
func convertible(from, to string) bool {
	switch from {
	case typeInteger, typeText, typeBoolean, typeTimestamp, typeDate, typeBytes, typeReal:
	default:
		return false
	}
	return from == to ||
		(from == typeInteger && (to == typeBoolean || to == typeReal)) ||
		(from == typeBoolean && to == typeInteger)
}

// checkTarget refuses a target a dump cannot go into: a whole instance
// only into an empty database, an account only where its id is free.
func (l *loader) checkTarget(ctx context.Context) error {
	if l.account == 0 {
		var accounts, users int64
		if err := l.q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM users)`).Scan(&accounts, &users); err != nil {
			return dbErr("storage.Load", err)
		}
		if accounts > 0 || users > 0 {
			return errs.E("storage.Load", errs.Conflict, fmt.Sprintf(
				"the target database is not empty: %s, %s; restore into an empty one", count(accounts, "account"), count(users, "user")))
		}
		return nil
	}
	var name string
	err := l.q.QueryRowContext(ctx, `SELECT name FROM accounts WHERE id = $1`, l.account).Scan(&name)
	if err == nil {
		return errs.E("storage.Load", errs.Conflict, fmt.Sprintf("account %d already exists in this instance: %s", l.account, name))
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return dbErr("storage.Load", err)
	}
	return nil
}

// count says n things: "1 account", "3 accounts".
func count(n int64, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.FormatInt(n, 10) + " " + thing + "s"
}

// load inserts one table's rows: through COPY on PostgreSQL, in batched
// INSERTs on SQLite (and for the users of an account, looked up one by
// one).
func (l *loader) load(ctx context.Context, p *tablePlan) error {
	for _, d := range p.deferred {
		for _, c := range d.columns {
			if i := p.column(c); i >= 0 && !slices.Contains(p.nulled, i) {
				p.nulled = append(p.nulled, i)
			}
		}
	}
	in, err := l.open(p)
	if err != nil {
		return err
	}
	defer in.close()
	src := &rowSource{ctx: ctx, l: l, p: p, in: in}
	if l.copy != nil && (l.account == 0 || p.dump.Name != "users") {
		err = l.copyRows(ctx, src)
	} else {
		err = l.insertRows(ctx, src)
	}
	if err != nil {
		return err
	}
	if l.account != 0 {
		if err := l.collisionsAfter(ctx, p); err != nil {
			return err
		}
	}
	if p.loaded != p.dump.Rows {
		return invalid(fmt.Sprintf("%s.jsonl holds %d rows but the dump's list says %d: the file is incomplete or not this dump's",
			p.dump.Name, p.loaded, p.dump.Rows))
	}
	return nil
}

// rowSource yields the rows of a table's file ready to insert, and is the
// source of a COPY.
type rowSource struct {
	ctx context.Context
	l   *loader
	p   *tablePlan
	in  *dumpReader
	row []any
	err error
}

// Next reads the next row to insert. In an account load it checks the row
// is the account's, and skips a user the instance has already.
func (s *rowSource) Next() bool {
	p := s.p
	for {
		row, err := s.in.next()
		if err == io.EOF {
			return false
		}
		if err == nil {
			err = s.l.own(p, s.in, row)
		}
		keep := false
		if err == nil && p.dump.Name == "users" && s.l.account != 0 {
			keep, err = s.l.knownUser(s.ctx, p, row)
		}
		if err != nil {
			s.err = err
			return false
		}
		p.loaded++
		if keep {
			continue
		}
		if p.dump.Name == "users" && s.l.account != 0 {
			for i, v := range p.scrub {
				if j := slices.Index(p.cols, i); j >= 0 {
					row[j] = v
				}
			}
		}
		for _, i := range p.nulled {
			if row[i] != nil {
				p.pending = true
				row[i] = nil
			}
		}
		s.row = row
		return true
	}
}

// Values returns the row Next read.
func (s *rowSource) Values() ([]any, error) { return s.row, nil }

// Err is what stopped Next early.
func (s *rowSource) Err() error { return s.err }

// copyRows streams a table's rows through COPY.
func (l *loader) copyRows(ctx context.Context, src *rowSource) error {
	p := src.p
	cols := make([]string, len(p.dump.Columns))
	for i, c := range p.dump.Columns {
		cols[i] = c.Name
	}
	_, err := l.copy(ctx, p.dump.Name, cols, src)
	if src.err != nil {
		return src.err
	}
	if err != nil {
		// PostgreSQL names the line of the COPY, which is the file's.
		where := p.dump.Name + ".jsonl"
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			if m := copyLine.FindStringSubmatch(pe.Where); m != nil {
				where += ", line " + m[1]
			}
		}
		return refused(where, err)
	}
	return nil
}

var copyLine = regexp.MustCompile(`COPY [a-z_0-9"]+, line (\d+)`)

// insertRows inserts a table's rows in batches of multi-row INSERTs.
func (l *loader) insertRows(ctx context.Context, src *rowSource) error {
	p := src.p
	batch := max(1, min(insertRows, insertParams/len(p.cols)))
	if p.dump.Name == "users" && l.account != 0 {
		batch = 1 // each was looked up first
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	args := make([]any, 0, batch*len(p.cols))
	var lines []int
	flush := func() error {
		n := len(lines)
		if n == 0 {
			return nil
		}
		if l.account != 0 && p.dump.Name != "users" {
			if err := l.collisions(ctx, p, args); err != nil {
				return err
			}
		}
		var err error
		if n == batch {
			if full == nil {
				if full, err = l.q.PrepareContext(ctx, insertSQL(p, n, l.engine)); err != nil {
					return dbErr("storage.Load", err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = l.q.ExecContext(ctx, insertSQL(p, n, l.engine), args...)
		}
		if err != nil {
			return l.refusedRow(ctx, p, args, lines, err)
		}
		args, lines = args[:0], lines[:0]
		return nil
	}
	for src.Next() {
		args = append(args, src.row...)
		lines = append(lines, src.in.line)
		if len(lines) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if src.err != nil {
		return src.err
	}
	return flush()
}

// refusedRow finds which row of a refused batch the database refuses, by
// inserting them one by one (the load is lost anyway), to name its line.
func (l *loader) refusedRow(ctx context.Context, p *tablePlan, args []any, lines []int, err error) error {
	if l.engine == SQLite && len(lines) > 1 {
		one := insertSQL(p, 1, l.engine)
		w := len(p.cols)
		for i, line := range lines {
			if _, rerr := l.q.ExecContext(ctx, one, args[i*w:(i+1)*w]...); rerr != nil {
				return refused(fmt.Sprintf("%s.jsonl, line %d", p.dump.Name, line), rerr)
			}
		}
	}
	where := fmt.Sprintf("%s.jsonl, line %d", p.dump.Name, lines[0])
	if len(lines) > 1 {
		where = fmt.Sprintf("%s.jsonl, lines %d to %d", p.dump.Name, lines[0], lines[len(lines)-1])
	}
	return refused(where, err)
}

// own checks, in an account load, that a row is the account's.
func (l *loader) own(p *tablePlan, in *dumpReader, row []any) error {
	if l.account == 0 || p.owner < 0 {
		return nil
	}
	if id, ok := row[p.owner].(int64); !ok || id != l.account {
		return in.fail(p.dump.Columns[p.owner].Name, fmt.Sprintf("%v is not account %d, the account this load restores", row[p.owner], l.account))
	}
	return nil
}

// knownUser looks a user of an account's dump up in the instance: the same
// id and e-mail is the same person, kept as is; an id or an e-mail that is
// someone else's is refused.
func (l *loader) knownUser(ctx context.Context, p *tablePlan, row []any) (bool, error) {
	id, _ := row[p.column("id")].(int64)
	email, _ := row[p.column("email")].(string)
	rows, err := l.q.QueryContext(ctx, `SELECT id, email FROM users WHERE id = $1 OR email = $2`, id, email)
	if err != nil {
		return false, dbErr("storage.Load", err)
	}
	type user struct {
		id    int64
		email string
	}
	found, err := collect(rows, func(r *sql.Rows) (user, error) {
		var u user
		return u, r.Scan(&u.id, &u.email)
	})
	if err != nil {
		return false, err
	}
	for _, u := range found {
		switch {
		case u.id == id && u.email == email:
			return true, nil
		case u.id == id:
			return false, errs.E("storage.Load", errs.Conflict, fmt.Sprintf(
				"user %d of the dump, %s, cannot be restored: id %d is %s's in this instance; restore into an instance that never held it",
				id, email, id, u.email))
		}
	}
	for _, u := range found {
		return false, errs.E("storage.Load", errs.Conflict, fmt.Sprintf(
			"the e-mail %s is user %d's in this instance but user %d's in the dump: the same address cannot be two people; change it on one side first",
			email, u.id, id))
	}
	return false, nil
}

// idColumn returns the dump column of p's "id" when a row's id may be
// another account's (a table with an account_id and an id), or -1.
func (p *tablePlan) idColumn() int {
	if p.dump.Name == "users" || p.dump.Name == "accounts" || !p.target.has("account_id") {
		return -1
	}
	return p.column("id")
}

// collisions refuses, in an account load on SQLite, rows whose id the
// instance already holds: an id it gave to another row since. SQLite's ids
// are the tables' primary keys, so this looks the batch's ids up before
// the insert would fail on them.
func (l *loader) collisions(ctx context.Context, p *tablePlan, args []any) error {
	key := p.idColumn()
	if key < 0 || l.engine != SQLite {
		return nil
	}
	n := len(args) / len(p.cols)
	marks := make([]string, n)
	keys := make([]any, n)
	for i := range n {
		marks[i] = "$" + strconv.Itoa(i+1)
		keys[i] = args[i*len(p.cols)+key]
	}
	var taken int64
	err := l.q.QueryRowContext(ctx, `SELECT id FROM `+quote(p.dump.Name)+` WHERE id IN (`+strings.Join(marks, ", ")+`) LIMIT 1`, keys...).Scan(&taken)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return dbErr("storage.Load", err)
	}
	return reused(p.dump.Name, taken)
}

// collisionsAfter refuses, in an account load on PostgreSQL, an id of the
// account's rows that another account's row has too. PostgreSQL keys these
// tables by (account_id, id), so the insert took them; ids come from one
// sequence per table and must stay unique all the same. One pass over the
// table, once it is loaded: no index reads an id alone.
func (l *loader) collisionsAfter(ctx context.Context, p *tablePlan) error {
	if p.idColumn() < 0 || l.engine != Postgres {
		return nil
	}
	t := quote(p.dump.Name)
	var taken int64
	err := l.q.QueryRowContext(ctx, `SELECT n.id FROM `+t+` n WHERE n.account_id = $1
		AND EXISTS (SELECT 1 FROM `+t+` o WHERE o.id = n.id AND o.account_id <> $1) ORDER BY n.id LIMIT 1`, l.account).Scan(&taken)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return dbErr("storage.Load", err)
	}
	return reused(p.dump.Name, taken)
}

func reused(table string, id int64) error {
	return errs.E("storage.Load", errs.Conflict, fmt.Sprintf(
		"%s %d already exists: the instance reused this id; restore into an instance that never held it", table, id))
}

// insertSQL is the INSERT of n rows of p. SQLite's driver looks the name
// of every numbered parameter up in a list as long as the statement's
// parameters, which makes a large INSERT quadratic: there its parameters
// are anonymous.
func insertSQL(p *tablePlan, n int, engine Engine) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(quote(p.dump.Name))
	b.WriteString(" (")
	for i, c := range p.dump.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(c.Name))
	}
	b.WriteString(") VALUES ")
	arg := 1
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i := range p.dump.Columns {
			if i > 0 {
				b.WriteString(", ")
			}
			if engine == SQLite {
				b.WriteByte('?')
				continue
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(arg))
			arg++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// setDeferred reads a table's file again and sets the columns that were
// inserted NULL, now that every row they may point at is in.
func (l *loader) setDeferred(ctx context.Context, p *tablePlan) error {
	t := p.target
	if len(t.pk) == 0 {
		return invalid(fmt.Sprintf("%s points at itself but has no primary key to set its rows by", t.name))
	}
	keys := make([]int, len(t.pk))
	var where []string
	for i, k := range t.pk {
		if keys[i] = p.column(k); keys[i] < 0 {
			return invalid(fmt.Sprintf("%s: the dump has no %s column, part of its primary key", t.name, k))
		}
		where = append(where, fmt.Sprintf("%s = $%d", quote(k), len(p.nulled)+i+1))
	}
	var set []string
	for i, c := range p.nulled {
		set = append(set, fmt.Sprintf("%s = $%d", quote(p.dump.Columns[c].Name), i+1))
	}
	stmt, err := l.q.PrepareContext(ctx, `UPDATE `+quote(t.name)+` SET `+strings.Join(set, ", ")+` WHERE `+strings.Join(where, " AND "))
	if err != nil {
		return dbErr("storage.Load", err)
	}
	defer func() { _ = stmt.Close() }()
	in, err := l.open(p)
	if err != nil {
		return err
	}
	defer in.close()
	args := make([]any, len(p.nulled)+len(keys))
	for {
		row, err := in.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		set := false
		for i, c := range p.nulled {
			args[i] = row[c]
			set = set || row[c] != nil
		}
		if !set {
			continue
		}
		for i, k := range keys {
			args[len(p.nulled)+i] = row[k]
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return refused(fmt.Sprintf("%s.jsonl, line %d", t.name, in.line), err)
		}
	}
}

// followSequences moves PostgreSQL's identity sequences past the ids
// loaded, never back, so that the next insert does not collide.
func (l *loader) followSequences(ctx context.Context, names []string) error {
	rows, err := l.q.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
		ORDER BY table_name`)
	if err != nil {
		return dbErr("storage.Load", err)
	}
	type ident struct{ table, column string }
	list, err := collect(rows, func(r *sql.Rows) (ident, error) {
		var i ident
		return i, r.Scan(&i.table, &i.column)
	})
	if err != nil {
		return err
	}
	for _, i := range list {
		if !slices.Contains(names, i.table) || !identifier.MatchString(i.column) {
			continue
		}
		_, err := l.q.ExecContext(ctx, `SELECT setval(x.s, x.m) FROM (SELECT pg_get_serial_sequence($1, $2) AS s,
			(SELECT MAX(`+quote(i.column)+`) FROM `+quote(i.table)+`) AS m) x
			WHERE x.m IS NOT NULL AND x.m > COALESCE(pg_sequence_last_value(x.s::regclass), 0)`, quote(i.table), i.column)
		if err != nil {
			return dbErr("storage.Load", fmt.Errorf("move the sequence of %s.%s: %w", i.table, i.column, err))
		}
	}
	return nil
}

// dumpReader reads a table's file line by line into values of the target
// columns' types.
type dumpReader struct {
	p    *tablePlan
	f    *os.File
	r    *bufio.Reader
	line int
	buf  []byte
	pg   bool
}

func (l *loader) open(p *tablePlan) (*dumpReader, error) {
	f, err := os.Open(p.path)
	if err != nil {
		return nil, invalid(fmt.Sprintf("open %s.jsonl of the dump: %v", p.dump.Name, err))
	}
	return &dumpReader{p: p, f: f, r: bufio.NewReaderSize(f, dumpBufferSize), pg: l.engine == Postgres}, nil
}

func (d *dumpReader) close() { _ = d.f.Close() }

// fail is the error of the current line, about column col when not "".
func (d *dumpReader) fail(col, msg string) error {
	if col != "" {
		return invalid(fmt.Sprintf("%s.jsonl, line %d, column %s: %s", d.p.dump.Name, d.line, col, msg))
	}
	return invalid(fmt.Sprintf("%s.jsonl, line %d: %s", d.p.dump.Name, d.line, msg))
}

// next returns the next row's values, converted for the target's columns,
// or io.EOF.
func (d *dumpReader) next() ([]any, error) {
	d.buf = d.buf[:0]
	for {
		chunk, err := d.r.ReadSlice('\n')
		d.buf = append(d.buf, chunk...)
		if len(d.buf) > maxDumpLine {
			d.line++
			return nil, d.fail("", fmt.Sprintf("longer than %d MiB: not a line of a dump", maxDumpLine>>20))
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if len(d.buf) == 0 {
				return nil, io.EOF
			}
		} else if err != nil {
			return nil, invalid(fmt.Sprintf("read %s.jsonl: %v", d.p.dump.Name, err))
		}
		break
	}
	d.line++
	vals, err := decodeLine(d.buf, len(d.p.dump.Columns))
	if err != nil {
		return nil, d.fail("", err.Error())
	}
	for i, v := range vals {
		col := d.p.target.columns[d.p.cols[i]]
		if vals[i], err = convertValue(v, col.typ, d.pg); err != nil {
			return nil, d.fail(col.name, err.Error())
		}
	}
	return vals, nil
}

// decodeLine reads one line of a dump: a JSON array of n scalar values
// (null, true or false, a number kept as json.Number, a string).
func decodeLine(line []byte, n int) ([]any, error) {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) == 0 || line[0] != '[' {
		return nil, errors.New("not a JSON array")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var vals []any
	if err := dec.Decode(&vals); err != nil {
		return nil, fmt.Errorf("not a JSON array of values: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more after the array")
	}
	if len(vals) != n {
		return nil, fmt.Errorf("%d values where the dump's list of columns has %d", len(vals), n)
	}
	return vals, nil
}

// convertValue turns a decoded JSON value into the Go value a column of
// type typ takes. On PostgreSQL a date goes as a time; on SQLite, whose
// dates are text, as the text itself.
func convertValue(v any, typ string, pg bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case typeInteger:
		switch x := v.(type) {
		case json.Number:
			n, err := strconv.ParseInt(string(x), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s is not a 64-bit integer", x)
			}
			return n, nil
		case bool: // a boolean loaded into an integer column
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case typeBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case json.Number: // SQLite's 0 and 1 of a column declared INTEGER
			switch x {
			case "0":
				return false, nil
			case "1":
				return true, nil
			}
			return nil, fmt.Errorf("%s is not a boolean (true, false, 0 or 1)", x)
		}
	case typeText:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case typeTimestamp:
		if s, ok := v.(string); ok {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, fmt.Errorf("%q is not an RFC 3339 time", s)
			}
			return t.UTC(), nil
		}
	case typeDate:
		if s, ok := v.(string); ok {
			t, err := time.Parse(dateLayout, s)
			if err != nil {
				return nil, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
			}
			if pg {
				return t, nil
			}
			return s, nil
		}
	case typeBytes:
		if s, ok := v.(string); ok {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, errors.New("not base64")
			}
			return b, nil
		}
	case typeReal:
		if x, ok := v.(json.Number); ok {
			f, err := strconv.ParseFloat(string(x), 64)
			if err != nil {
				return nil, fmt.Errorf("%s is not a number", x)
			}
			return f, nil
		}
	default:
		return nil, fmt.Errorf("a column of type %q cannot be loaded", typ)
	}
	return nil, fmt.Errorf("%s where %s is expected", jsonKind(v), article(typ))
}

// jsonKind names what a decoded JSON value is, for error messages.
func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
