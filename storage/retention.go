package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/privacy"
)

// PolicyOverride is an account's own periods for a default retention
// policy.
type PolicyOverride struct {
	Key       string
	Active    privacy.Period
	Archive   privacy.Period
	Action    privacy.Action
	UpdatedBy int64
	UpdatedAt time.Time
}

// RetentionOverrides lists the current account's overrides of the default
// retention policies.
func (db *DB) RetentionOverrides(ctx context.Context) ([]PolicyOverride, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT key, active, archive, action, COALESCE(updated_by, 0), updated_at
		FROM retention_policies WHERE account_id = $1 ORDER BY key`, acc)
	if err != nil {
		return nil, dbErr("storage.RetentionOverrides", err)
	}
	return collect(rows, func(r *sql.Rows) (PolicyOverride, error) {
		var o PolicyOverride
		var active, archive string
		if err := r.Scan(&o.Key, &active, &archive, &o.Action, &o.UpdatedBy, utc(&o.UpdatedAt)); err != nil {
			return o, err
		}
		if err := json.Unmarshal([]byte(active), &o.Active); err != nil {
			return o, err
		}
		return o, json.Unmarshal([]byte(archive), &o.Archive)
	})
}

// SaveRetentionOverride writes the current account's version of a policy.
func (db *DB) SaveRetentionOverride(ctx context.Context, o PolicyOverride) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	active, _ := json.Marshal(o.Active)
	archive, _ := json.Marshal(o.Archive)
	_, err = db.writer(ctx).ExecContext(ctx, `INSERT INTO retention_policies (account_id, key, active, archive, action, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (account_id, key) DO UPDATE SET active = excluded.active, archive = excluded.archive,
			action = excluded.action, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		acc, o.Key, string(active), string(archive), string(o.Action), nullID(o.UpdatedBy), db.Now(ctx))
	return dbErr("storage.SaveRetentionOverride", err)
}

// InsertRetentionRun logs a run of the current account and sets its id.
// Its steps are stored without the samples' names.
func (db *DB) InsertRetentionRun(ctx context.Context, r *privacy.Run) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	steps, _ := json.Marshal(privacy.Plan{Steps: r.Steps}.Anonymous().Steps)
	err = db.writer(ctx).QueryRowContext(ctx, `INSERT INTO retention_runs (account_id, started_at, finished_at, as_of, dry_run, started_by, counts, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		acc, r.StartedAt.UTC(), nullTime(r.FinishedAt), r.AsOf, r.DryRun, nullID(r.StartedBy), string(steps), r.Error).Scan(&r.ID)
	return dbErr("storage.InsertRetentionRun", err)
}

// FinishRetentionRun records the end of a run of the current account: its
// counts and its error, if any.
func (db *DB) FinishRetentionRun(ctx context.Context, r privacy.Run) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	steps, _ := json.Marshal(privacy.Plan{Steps: r.Steps}.Anonymous().Steps)
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE retention_runs SET finished_at = $3, counts = $4, error = $5
		WHERE account_id = $1 AND id = $2`, acc, r.ID, nullTime(r.FinishedAt), string(steps), r.Error)
	if err != nil {
		return dbErr("storage.FinishRetentionRun", err)
	}
	return affected(res, "storage.FinishRetentionRun")
}

// RetentionRuns lists the current account's runs, newest first.
func (db *DB) RetentionRuns(ctx context.Context, limit int) ([]privacy.Run, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, started_at, finished_at, as_of, dry_run, COALESCE(started_by, 0), counts, error
		FROM retention_runs WHERE account_id = $1 ORDER BY id DESC LIMIT $2`, acc, limit)
	if err != nil {
		return nil, dbErr("storage.RetentionRuns", err)
	}
	return collect(rows, func(r *sql.Rows) (privacy.Run, error) {
		var v privacy.Run
		var steps string
		if err := r.Scan(&v.ID, utc(&v.StartedAt), nullUTC(&v.FinishedAt), &v.AsOf, &v.DryRun, &v.StartedBy, &steps, &v.Error); err != nil {
			return v, err
		}
		return v, json.Unmarshal([]byte(steps), &v.Steps)
	})
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func affected(res sql.Result, op string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return dbErr(op, err)
	}
	if n == 0 {
		return dbErr(op, sql.ErrNoRows)
	}
	return nil
}

// Stage is where a retention step finds its records: a kind of contact
// (prospects, clients, suppliers) entering the archive or ending.
type Stage struct {
	Kind string // privacy.Prospects, privacy.Clients or privacy.Suppliers
	// Archive selects the records entering the intermediate archive
	// (started before Cutoff, not before End); otherwise those at the end
	// of their life (started before End).
	Archive bool
	Cutoff  time.Time // the end of active data
	End     time.Time // the end of the archive
	// Simple, for prospects, keeps only those with nothing else attached
	// (no document, payment, exchange or case), which go in batches;
	// Complex only the others, erased one by one.
	Simple, Complex bool
}

// inIDs is the condition "col is one of ids" as one parameter, $n, and
// its value: the statement's text stays the same whatever the ids, so
// SQLite's statement cache keeps one copy of it rather than one per batch.
func (db *DB) inIDs(col string, n int, ids []int64) (string, any) {
	ph := "$" + strconv.Itoa(n)
	if db.engine == Postgres {
		return col + " = ANY(" + ph + "::BIGINT[])", ids
	}
	list, _ := json.Marshal(ids)
	return col + " IN (SELECT value FROM json_each(" + ph + "))", string(list)
}

// inText is inIDs for strings.
func (db *DB) inText(expr string, n int, values []string) (string, any) {
	ph := "$" + strconv.Itoa(n)
	if db.engine == Postgres {
		return expr + " = ANY(" + ph + "::TEXT[])", values
	}
	list, _ := json.Marshal(values)
	return expr + " IN (SELECT value FROM json_each(" + ph + "))", string(list)
}

// heldKinds is privacy.HeldKinds as a SQL list.
func heldKinds() string {
	return "'" + strings.Join(privacy.HeldKinds, "', '") + "'"
}

// where returns the condition on contacts (c) of a stage, with its
// arguments numbered from $2 ($1 is the account).
func (st Stage) where() (string, []any) {
	var w []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args)+1)
	}
	start := "c.ended_at"
	switch st.Kind {
	case privacy.Prospects:
		start = "COALESCE(c.last_contact_at, c.created_at)"
		// Prospects only; a person at a client's or a supplier's company
		// is a contact of that relationship and stays with it (its
		// erasure detaches them, and they are prospects again).
		// (Each NOT EXISTS stands alone, so that PostgreSQL reads it as an
		// anti-join by index rather than hashing a whole table per batch;
		// the company is a scalar look-up by key, row by row, where a join
		// made PostgreSQL scan every contact at every batch.)
		w = append(w, "c.is_prospect = TRUE AND c.is_client = FALSE AND c.is_supplier = FALSE",
			`COALESCE((SELECT co.is_client OR co.is_supplier FROM contacts co
				WHERE co.account_id = c.account_id AND co.id = c.company_id), FALSE) = FALSE`,
			`NOT EXISTS (SELECT 1 FROM documents d WHERE d.account_id = c.account_id AND d.contact_id = c.id
				AND d.status <> 'draft' AND d.kind IN (`+heldKinds()+`))`)
	case privacy.Clients:
		w = append(w, "c.is_client = TRUE AND c.ended_at IS NOT NULL")
	case privacy.Suppliers:
		w = append(w, "c.is_supplier = TRUE AND c.is_client = FALSE AND c.ended_at IS NOT NULL")
	default:
		w = append(w, "FALSE")
	}
	w = append(w, "c.erased_at IS NULL")
	if st.Archive {
		w = append(w, "c.archived_at IS NULL", start+" < "+arg(st.Cutoff.UTC()), start+" >= "+arg(st.End.UTC()))
	} else {
		w = append(w, start+" < "+arg(st.End.UTC()))
	}
	attached := []string{
		"EXISTS (SELECT 1 FROM documents d WHERE d.account_id = c.account_id AND d.contact_id = c.id)",
		"EXISTS (SELECT 1 FROM payments p WHERE p.account_id = c.account_id AND p.contact_id = c.id)",
		"EXISTS (SELECT 1 FROM conversations v WHERE v.account_id = c.account_id AND v.contact_id = c.id)",
		"EXISTS (SELECT 1 FROM cases k WHERE k.account_id = c.account_id AND k.contact_id = c.id)",
	}
	if st.Simple {
		for _, a := range attached {
			w = append(w, "NOT "+a)
		}
	}
	if st.Complex {
		w = append(w, "("+strings.Join(attached, " OR ")+")")
	}
	return strings.Join(w, " AND "), args
}

// StageCount counts the current account's contacts in a stage.
func (db *DB) StageCount(ctx context.Context, st Stage) (int, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	cond, args := st.where()
	var n int
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM contacts c WHERE c.account_id = $1 AND `+cond,
		append([]any{acc}, args...)...).Scan(&n)
	return n, dbErr("storage.StageCount", err)
}

// StageContacts lists up to limit contacts of a stage after id afterID,
// by id, each with the name it is shown by.
func (db *DB) StageContacts(ctx context.Context, st Stage, afterID int64, limit int) ([]int64, []privacy.Sample, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, nil, err
	}
	cond, args := st.where()
	args = append([]any{acc}, args...)
	args = append(args, afterID, limit)
	n := len(args)
	rows, err := db.writer(ctx).QueryContext(ctx, `SELECT c.id, c.company_name, c.first_name, c.last_name FROM contacts c
		WHERE c.account_id = $1 AND `+cond+` AND c.id > $`+strconv.Itoa(n-1)+` ORDER BY c.id LIMIT $`+strconv.Itoa(n), args...)
	if err != nil {
		return nil, nil, dbErr("storage.StageContacts", err)
	}
	var ids []int64
	samples, err := collect(rows, func(r *sql.Rows) (privacy.Sample, error) {
		var id int64
		var company, first, last string
		if err := r.Scan(&id, &company, &first, &last); err != nil {
			return privacy.Sample{}, err
		}
		ids = append(ids, id)
		name := strings.TrimSpace(first + " " + last)
		if company != "" {
			name = strings.TrimSpace(company + " " + name)
		}
		return privacy.Sample{Ref: "#" + strconv.FormatInt(id, 10), Name: name}, nil
	})
	return ids, samples, err
}

// ArchiveContacts moves the given contacts of the current account that are
// still in stage st to the intermediate archive, and returns how many.
func (db *DB) ArchiveContacts(ctx context.Context, st Stage, ids []int64) (int, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, nil
	}
	cond, args := st.where()
	args = append([]any{acc}, args...)
	in, list := db.inIDs("id", len(args)+2, ids)
	args = append(args, db.Now(ctx), list)
	query := strings.NewReplacer("{now}", "$"+strconv.Itoa(len(args)-1), "{in}", in, "{cond}", cond).Replace(
		`UPDATE contacts SET archived_at = {now} WHERE account_id = $1 AND {in}
			AND id IN (SELECT c.id FROM contacts c WHERE c.account_id = $1 AND {cond})`)
	res, err := db.writer(ctx).ExecContext(ctx, query, args...)
	if err != nil {
		return 0, dbErr("storage.ArchiveContacts", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteSimpleProspects deletes the given prospects of the current account
// that are still in stage st (which must be Simple): their addresses go
// with them, people attached to them stay unattached, their address is
// removed from the e-mail log. It runs in the caller's transaction and
// returns how many went and the activity entries about them, to redact
// once the batch's own entry pins their hashes.
func (db *DB) DeleteSimpleProspects(ctx context.Context, st Stage, ids []int64) (int, []LogEntry, error) {
	const op = "storage.DeleteSimpleProspects"
	acc, err := scope(ctx)
	if err != nil {
		return 0, nil, err
	}
	if !st.Simple || st.Kind != privacy.Prospects || len(ids) == 0 {
		return 0, nil, nil
	}
	cond, args := st.where()
	in, list := db.inIDs("c.id", len(args)+2, ids)
	args = append(append([]any{acc}, args...), list)
	rows, err := db.writer(ctx).QueryContext(ctx, `SELECT c.id, lower(c.email) FROM contacts c WHERE c.account_id = $1 AND `+in+` AND `+cond, args...)
	if err != nil {
		return 0, nil, dbErr(op, err)
	}
	var emails []string
	gone, err := collect(rows, func(r *sql.Rows) (int64, error) {
		var id int64
		var email string
		err := r.Scan(&id, &email)
		if email != "" {
			emails = append(emails, email)
		}
		return id, err
	})
	if err != nil || len(gone) == 0 {
		return 0, nil, err
	}
	w := db.writer(ctx)
	in, list = db.inIDs("record_id", 2, gone)
	rows, err = w.QueryContext(ctx, `SELECT id, seq, hash FROM activity
		WHERE account_id = $1 AND record_type = 'contact' AND `+in+` AND redacted_by IS NULL ORDER BY seq`, acc, list)
	if err != nil {
		return 0, nil, dbErr(op, err)
	}
	log, err := collect(rows, func(r *sql.Rows) (LogEntry, error) {
		var l LogEntry
		return l, r.Scan(&l.ID, &l.Seq, &l.Hash)
	})
	if err != nil {
		return 0, nil, err
	}
	if len(emails) > 0 {
		in, list := db.inText("lower(to_address)", 2, emails)
		if _, err := w.ExecContext(ctx, `UPDATE mail_log SET to_address = '', subject = '' WHERE account_id = $1 AND `+in, acc, list); err != nil {
			return 0, nil, dbErr(op, err)
		}
	}
	// Straight on the referring column: a join there made PostgreSQL read
	// the account's whole index of companies at every batch.
	for _, q := range []struct{ sql, col string }{
		{`UPDATE contacts SET company_id = NULL WHERE account_id = $1 AND {in}`, "company_id"},
		{`DELETE FROM contact_addresses WHERE account_id = $1 AND {in}`, "contact_id"},
	} {
		in, list := db.inIDs(q.col, 2, gone)
		if _, err := w.ExecContext(ctx, strings.Replace(q.sql, "{in}", in, 1), acc, list); err != nil {
			return 0, nil, dbErr(op, err)
		}
	}
	in, list = db.inIDs("id", 2, gone)
	res, err := w.ExecContext(ctx, `DELETE FROM contacts WHERE account_id = $1 AND `+in, acc, list)
	if err != nil {
		return 0, nil, dbErr(op, err)
	}
	n, _ := res.RowsAffected()
	return int(n), log, nil
}

// heldGoing is the condition on documents (d) that have outlived their
// legal hold at cutoff: issued accounting records, and the restricted
// documents kept with them, dated before cutoff.
const heldGoing = `d.status <> 'draft' AND d.issue_date <> '' AND d.issue_date < $2
	AND (d.restricted = TRUE OR d.kind IN ({held}))`

func heldCond() string { return strings.Replace(heldGoing, "{held}", heldKinds(), 1) }

// paymentGoing is the condition on payments (p) past the hold at cutoff
// whose every allocation is to a document that goes too.
const paymentGoing = `p.date < $2 AND NOT EXISTS (SELECT 1 FROM payment_allocations a JOIN documents d
	ON d.account_id = a.account_id AND d.id = a.document_id
	WHERE a.account_id = p.account_id AND a.payment_id = p.id AND NOT ({going}))`

func paymentCond() string { return strings.Replace(paymentGoing, "{going}", heldCond(), 1) }

// erasedGoing is the condition on erased contacts (c) that no record kept
// past cutoff names any more.
const erasedGoing = `c.erased_at IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.account_id = c.account_id AND d.contact_id = c.id AND NOT ({docs}))
	AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.account_id = c.account_id AND p.contact_id = c.id AND NOT ({payments}))`

func erasedCond() string {
	return strings.NewReplacer("{docs}", heldCond(), "{payments}", paymentCond()).Replace(erasedGoing)
}

// HeldCount counts the current account's records past their legal hold
// at cutoff (a date, YYYY-MM-DD): documents, payments and erased contacts
// that only they named, with up to n samples of each.
func (db *DB) HeldCount(ctx context.Context, cutoff string, n int) (map[string]int, map[string][]privacy.Sample, error) {
	const op = "storage.HeldCount"
	acc, err := scope(ctx)
	if err != nil {
		return nil, nil, err
	}
	counts := map[string]int{}
	samples := map[string][]privacy.Sample{}
	for _, q := range []struct{ target, count, sample string }{
		{"documents", `SELECT COUNT(*) FROM documents d WHERE d.account_id = $1 AND ` + heldCond(),
			`SELECT d.number, d.buyer FROM documents d WHERE d.account_id = $1 AND ` + heldCond() + ` ORDER BY d.issue_date, d.id LIMIT $3`},
		{"payments", `SELECT COUNT(*) FROM payments p WHERE p.account_id = $1 AND ` + paymentCond(),
			`SELECT '#' || CAST(p.id AS TEXT), p.reference FROM payments p WHERE p.account_id = $1 AND ` + paymentCond() + ` ORDER BY p.date, p.id LIMIT $3`},
		{"contacts", `SELECT COUNT(*) FROM contacts c WHERE c.account_id = $1 AND ` + erasedCond(),
			`SELECT '#' || CAST(c.id AS TEXT), '' FROM contacts c WHERE c.account_id = $1 AND ` + erasedCond() + ` ORDER BY c.id LIMIT $3`},
	} {
		var k int
		if err := db.reader(ctx).QueryRowContext(ctx, q.count, acc, cutoff).Scan(&k); err != nil {
			return nil, nil, dbErr(op, err)
		}
		counts[q.target] = k
		if k == 0 || n == 0 {
			continue
		}
		rows, err := db.reader(ctx).QueryContext(ctx, q.sample, acc, cutoff, n)
		if err != nil {
			return nil, nil, dbErr(op, err)
		}
		s, err := collect(rows, func(r *sql.Rows) (privacy.Sample, error) {
			var v privacy.Sample
			return v, r.Scan(&v.Ref, &v.Name)
		})
		if err != nil {
			return nil, nil, err
		}
		samples[q.target] = s
	}
	return counts, samples, nil
}

// DeleteHeld deletes the current account's records past their legal hold
// at cutoff, in the caller's transaction: the documents with their lines,
// allocations, reminders and attachments; the payments no kept document
// needs; the erased contacts they alone named. It returns the counts per
// target and the checksums of the files the documents had attached.
func (db *DB) DeleteHeld(ctx context.Context, cutoff string) (map[string]int, []string, error) {
	const op = "storage.DeleteHeld"
	acc, err := scope(ctx)
	if err != nil {
		return nil, nil, err
	}
	w := db.writer(ctx)
	// The payments and contacts that go are chosen before the documents do.
	rows, err := w.QueryContext(ctx, `SELECT p.id FROM payments p WHERE p.account_id = $1 AND `+paymentCond(), acc, cutoff)
	if err != nil {
		return nil, nil, dbErr(op, err)
	}
	payments, err := collect(rows, scanID)
	if err != nil {
		return nil, nil, err
	}
	rows, err = w.QueryContext(ctx, `SELECT c.id FROM contacts c WHERE c.account_id = $1 AND `+erasedCond(), acc, cutoff)
	if err != nil {
		return nil, nil, dbErr(op, err)
	}
	contacts, err := collect(rows, scanID)
	if err != nil {
		return nil, nil, err
	}
	rows, err = w.QueryContext(ctx, `SELECT d.id FROM documents d WHERE d.account_id = $1 AND `+heldCond(), acc, cutoff)
	if err != nil {
		return nil, nil, dbErr(op, err)
	}
	docs, err := collect(rows, scanID)
	if err != nil {
		return nil, nil, err
	}
	counts := map[string]int{}
	var sums []string
	// exec runs q with {in} standing for "col is one of ids".
	exec := func(q, col string, ids []int64) (int, error) {
		in, list := db.inIDs(col, 2, ids)
		res, err := w.ExecContext(ctx, strings.Replace(q, "{in}", in, 1), acc, list)
		if err != nil {
			return 0, dbErr(op, err)
		}
		n, _ := res.RowsAffected()
		return int(n), nil
	}
	for chunk := range chunks(docs, 500) {
		in, list := db.inIDs("document_id", 2, chunk)
		rows, err := w.QueryContext(ctx, `SELECT DISTINCT checksum FROM attachments WHERE account_id = $1 AND `+in, acc, list)
		if err != nil {
			return nil, nil, dbErr(op, err)
		}
		s, err := collect(rows, func(r *sql.Rows) (string, error) {
			var v string
			return v, r.Scan(&v)
		})
		if err != nil {
			return nil, nil, err
		}
		sums = append(sums, s...)
		for _, q := range []struct{ sql, col string }{
			{`UPDATE conversations SET document_id = NULL WHERE account_id = $1 AND {in}`, "document_id"},
			{`UPDATE documents SET origin_id = NULL WHERE account_id = $1 AND {in}`, "origin_id"},
			{`DELETE FROM payment_allocations WHERE account_id = $1 AND {in}`, "document_id"},
			{`DELETE FROM dunning_reminders WHERE account_id = $1 AND {in}`, "document_id"},
		} {
			if _, err := exec(q.sql, q.col, chunk); err != nil {
				return nil, nil, err
			}
		}
		k, err := exec(`DELETE FROM documents WHERE account_id = $1 AND {in}`, "id", chunk)
		if err != nil {
			return nil, nil, err
		}
		counts["documents"] += k
	}
	for chunk := range chunks(payments, 500) {
		k, err := exec(`DELETE FROM payments WHERE account_id = $1 AND {in}`, "id", chunk)
		if err != nil {
			return nil, nil, err
		}
		counts["payments"] += k
	}
	for chunk := range chunks(contacts, 500) {
		if _, err := exec(`UPDATE contacts SET company_id = NULL WHERE account_id = $1 AND {in}`, "company_id", chunk); err != nil {
			return nil, nil, err
		}
		k, err := exec(`DELETE FROM contacts WHERE account_id = $1 AND {in} AND erased_at IS NOT NULL`, "id", chunk)
		if err != nil {
			return nil, nil, err
		}
		counts["contacts"] += k
	}
	return counts, sums, nil
}

func scanID(r *sql.Rows) (int64, error) {
	var v int64
	return v, r.Scan(&v)
}

// expiring lists the tables of an account whose rows simply go at the end
// of their period, with the column the period runs from.
var expiring = map[string]struct{ table, cond string }{
	privacy.MailLog:        {"mail_log", "at < $2"},
	privacy.SessionsPolicy: {"sessions", "expires_at < $2"},
	privacy.Invitations:    {"invitations", "expires_at < $2"},
	privacy.ReplayCache:    {"idempotency_keys", "created_at < $2"},
	// A request's proof is kept from its closing; an open one never goes.
	privacy.RightsRequestsPolicy: {"privacy_requests", "closed_at < $2"},
}

// ExpiredCount counts the current account's rows of policy key (mail log,
// sessions, invitations, cached answers) older than cutoff.
func (db *DB) ExpiredCount(ctx context.Context, key string, cutoff time.Time) (int, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	e, ok := expiring[key]
	if !ok {
		return 0, errors.New("storage.ExpiredCount: no table for " + key)
	}
	var n int
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM `+e.table+` WHERE account_id = $1 AND `+e.cond, acc, cutoff.UTC()).Scan(&n)
	return n, dbErr("storage.ExpiredCount", err)
}

// DeleteExpired deletes the current account's rows of policy key older
// than cutoff, and returns how many went.
func (db *DB) DeleteExpired(ctx context.Context, key string, cutoff time.Time) (int, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	e, ok := expiring[key]
	if !ok {
		return 0, errors.New("storage.DeleteExpired: no table for " + key)
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM `+e.table+` WHERE account_id = $1 AND `+e.cond, acc, cutoff.UTC())
	if err != nil {
		return 0, dbErr("storage.DeleteExpired", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// PurgeableActivity counts the current account's activity entries that
// PurgeActivity(before) would delete.
func (db *DB) PurgeableActivity(ctx context.Context, before time.Time) (int, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM activity WHERE account_id = $1 AND seq <=
		(SELECT COALESCE(MAX(seq), 0) FROM activity WHERE account_id = $1 AND at < $2 AND seq > 0)`, acc, before.UTC()).Scan(&n)
	return n, dbErr("storage.PurgeableActivity", err)
}

// instanceExpiring lists the instance's own tables of short-lived codes
// and counters, and its own e-mail (account 0: sign-up and reset codes),
// with the condition of a row past its period.
var instanceExpiring = []struct {
	table, cond string
	mail        bool // past the mail log's period, not the codes'
}{
	{"password_resets", "expires_at < $1", false},
	{"email_verifications", "expires_at < $1", false},
	{"login_failures", "last_failure_at < $1", false},
	{"mail_log", "account_id = 0 AND at < $1", true},
}

// ExpiredCodes counts, or deletes when del, the instance's reset and
// verification codes and login-failure counters past cutoff, and its own
// e-mail log past mailCutoff, per table. These belong to users, not to one
// account.
func (db *DB) ExpiredCodes(ctx context.Context, cutoff, mailCutoff time.Time, del bool) (map[string]int, error) {
	out := map[string]int{}
	for _, e := range instanceExpiring {
		var n int64
		args := []any{cutoff.UTC()}
		if e.mail {
			args = []any{mailCutoff.UTC()}
		}
		if del {
			res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM `+e.table+` WHERE `+e.cond, args...)
			if err != nil {
				return nil, dbErr("storage.ExpiredCodes", err)
			}
			n, _ = res.RowsAffected()
		} else if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM `+e.table+` WHERE `+e.cond, args...).Scan(&n); err != nil {
			return nil, dbErr("storage.ExpiredCodes", err)
		}
		out[e.table] = int(n)
	}
	return out, nil
}

// AttachmentChecksums returns the checksums of every file the current
// account's attachments refer to.
func (db *DB) AttachmentChecksums(ctx context.Context) (map[string]bool, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT DISTINCT checksum FROM attachments WHERE account_id = $1`, acc)
	if err != nil {
		return nil, dbErr("storage.AttachmentChecksums", err)
	}
	sums, err := collect(rows, func(r *sql.Rows) (string, error) {
		var v string
		return v, r.Scan(&v)
	})
	out := make(map[string]bool, len(sums))
	for _, s := range sums {
		out[s] = true
	}
	return out, err
}

// ArchivedContacts lists the current account's contacts in the
// intermediate archive (not erased), oldest archived first.
func (db *DB) ArchivedContacts(ctx context.Context, limit int) ([]privacy.ArchivedContact, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, company_name, first_name, last_name, is_client, is_supplier,
		ended_at, archived_at FROM contacts WHERE account_id = $1 AND archived_at IS NOT NULL AND erased_at IS NULL
		ORDER BY archived_at, id LIMIT $2`, acc, limit)
	if err != nil {
		return nil, dbErr("storage.ArchivedContacts", err)
	}
	return collect(rows, func(r *sql.Rows) (privacy.ArchivedContact, error) {
		var a privacy.ArchivedContact
		var company, first, last string
		if err := r.Scan(&a.ID, &company, &first, &last, &a.Client, &a.Supplier, nullUTC(&a.EndedAt), utc(&a.ArchivedAt)); err != nil {
			return a, err
		}
		a.Name = strings.TrimSpace(first + " " + last)
		if company != "" {
			a.Name = strings.TrimSpace(company + " " + a.Name)
		}
		return a, nil
	})
}

// hasArchived reports whether the current account has contacts in the
// intermediate archive (an index of the few archived rows answers).
func (db *DB) hasArchived(ctx context.Context) (bool, error) {
	acc, err := scope(ctx)
	if err != nil {
		return false, err
	}
	var n int
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM contacts
		WHERE account_id = $1 AND archived_at IS NOT NULL LIMIT 1) AS a`, acc).Scan(&n)
	return n > 0, dbErr("storage.hasArchived", err)
}
