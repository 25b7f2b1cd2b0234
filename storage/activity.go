package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/privacy"
)

// AppendActivity writes an entry to the current account's activity log,
// chained to the one before it. It is called inside the write's own
// transaction; taking the account's chain head also makes concurrent
// appends of one account wait for each other.
func (db *DB) AppendActivity(ctx context.Context, e *activity.Entry) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(ctx context.Context) error {
		e.At = db.Now(ctx)
		changes := e.Changes
		if changes == nil {
			changes = []activity.Change{}
		}
		js, err := json.Marshal(changes)
		if err != nil {
			return dbErr("storage.AppendActivity", err)
		}
		var seq int64
		var prev string
		if err := db.writer(ctx).QueryRowContext(ctx, `
			INSERT INTO activity_heads (account_id, seq, hash) VALUES ($1, 1, '')
			ON CONFLICT (account_id) DO UPDATE SET seq = activity_heads.seq + 1
			RETURNING seq, hash`, acc).Scan(&seq, &prev); err != nil {
			return dbErr("storage.AppendActivity", err)
		}
		hash := activity.ChainHash(prev, seq, acc, *e, string(js))
		var user, record any
		if e.UserID != 0 {
			user = e.UserID
		}
		if e.RecordID != 0 {
			record = e.RecordID
		}
		args := []any{acc, e.At, user, e.Module, e.Action, e.RecordType, record, e.Summary, string(js), e.IP, e.UserAgent, seq, hash, e.ViaSupport}
		const insert = `INSERT INTO activity (account_id, at, user_id, module, action, record_type, record_id, summary, changes, ip, user_agent, seq, hash, via_support)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`
		if db.engine == Postgres {
			// One round trip fewer, under the head's row lock that every
			// write of the account waits for.
			err := db.writer(ctx).QueryRowContext(ctx, `WITH entry AS (`+insert+`)
				UPDATE activity_heads SET hash = $13 WHERE account_id = $1 RETURNING (SELECT id FROM entry)`, args...).Scan(&e.ID)
			return dbErr("storage.AppendActivity", err)
		}
		if err := db.writer(ctx).QueryRowContext(ctx, insert, args...).Scan(&e.ID); err != nil {
			return dbErr("storage.AppendActivity", err)
		}
		_, err = db.writer(ctx).ExecContext(ctx, `UPDATE activity_heads SET hash = $2 WHERE account_id = $1`, acc, hash)
		return dbErr("storage.AppendActivity", err)
	})
}

const activityColumns = `a.id, a.at, COALESCE(a.user_id, 0), COALESCE(u.email, ''), a.module, a.action, a.record_type,
	COALESCE(a.record_id, 0), a.summary, a.changes, a.ip, a.user_agent, a.via_support`

func scanActivity(r *sql.Rows) (activity.Entry, error) {
	var e activity.Entry
	var changes string
	if err := r.Scan(&e.ID, utc(&e.At), &e.UserID, &e.UserEmail, &e.Module, &e.Action, &e.RecordType,
		&e.RecordID, &e.Summary, &changes, &e.IP, &e.UserAgent, &e.ViaSupport); err != nil {
		return e, err
	}
	return e, json.Unmarshal([]byte(changes), &e.Changes)
}

// ListActivity returns the current account's entries matching f, newest
// first. The WHERE clause is built from fixed fragments only; values are
// always bound.
func (db *DB) ListActivity(ctx context.Context, f activity.Filter) ([]activity.Entry, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	where := []string{"a.account_id = $1"}
	args := []any{acc}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.BeforeID > 0 {
		add("a.id < ?", f.BeforeID)
	}
	if !f.From.IsZero() {
		add("a.at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("a.at < ?", f.To.UTC())
	}
	if f.UserID != 0 {
		add("a.user_id = ?", f.UserID)
	}
	if f.Module != "" {
		add("a.module = ?", f.Module)
	}
	if f.RecordType != "" {
		add("a.record_type = ?", f.RecordType)
	}
	if f.RecordID != 0 {
		add("a.record_id = ?", f.RecordID)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	args = append(args, f.Limit)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+activityColumns+`
		FROM activity a LEFT JOIN users u ON u.id = a.user_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY a.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, dbErr("storage.ListActivity", err)
	}
	return collect(rows, scanActivity)
}

// VerifyActivity walks the current account's chain from the start (or from
// the last entry purged by retention) and returns the first broken entry,
// or nil if the whole log is intact. The head is read first and only
// entries up to it are walked, so appends during the walk do not count.
func (db *DB) VerifyActivity(ctx context.Context) (*activity.Break, int64, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, 0, err
	}
	var headSeq, purgedSeq int64
	var headHash, purgedHash string
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT seq, hash, purged_seq, purged_hash FROM activity_heads WHERE account_id = $1`,
		acc).Scan(&headSeq, &headHash, &purgedSeq, &purgedHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, 0, dbErr("storage.VerifyActivity", err)
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT id, at, COALESCE(user_id, 0), module, action, record_type, COALESCE(record_id, 0), summary, changes,
			ip, user_agent, via_support, seq, hash, COALESCE(redacted_by, 0)
		FROM activity WHERE account_id = $1 AND seq > 0 AND seq <= $2 ORDER BY seq`, acc, headSeq)
	if err != nil {
		return nil, 0, dbErr("storage.VerifyActivity", err)
	}
	defer rows.Close()
	// After a purge by retention the chain goes on from the last entry purged.
	want, prev := purgedSeq+1, purgedHash
	var checked int64
	// A redacted entry's text is gone, so its hash cannot be computed again:
	// it must be empty, and pinned — with the digest of what it keeps — by
	// a later erasure entry that is itself verified in the chain.
	type pin struct {
		seq  int64
		list string
	}
	redacted := map[int64][]privacy.PinnedEntry{} // by the redacting entry's id
	pins := map[int64]pin{}
	for rows.Next() {
		var e activity.Entry
		var changes, hash string
		var seq, by int64
		if err := rows.Scan(&e.ID, utc(&e.At), &e.UserID, &e.Module, &e.Action, &e.RecordType, &e.RecordID,
			&e.Summary, &changes, &e.IP, &e.UserAgent, &e.ViaSupport, &seq, &hash, &by); err != nil {
			return nil, checked, dbErr("storage.VerifyActivity", err)
		}
		if seq != want {
			return &activity.Break{EntryID: e.ID, Seq: seq, Reason: "sequence_gap"}, checked, nil
		}
		switch {
		case by != 0:
			if e.Summary != "" || changes != "[]" {
				return &activity.Break{EntryID: e.ID, Seq: seq, Reason: "hash_mismatch"}, checked, nil
			}
			redacted[by] = append(redacted[by], privacy.PinnedEntry{Seq: seq, Hash: hash, Meta: activity.MetaDigest(e)})
		case activity.ChainHash(prev, seq, acc, e, changes) != hash:
			return &activity.Break{EntryID: e.ID, Seq: seq, Reason: "hash_mismatch"}, checked, nil
		case e.Module == "privacy" && e.RecordType == "erasure": // an erasure, by request or by retention
			pins[e.ID] = pin{seq: seq, list: pinOf(changes)}
		}
		prev, want, checked = hash, want+1, checked+1
	}
	if err := rows.Err(); err != nil {
		return nil, checked, dbErr("storage.VerifyActivity", err)
	}
	if headSeq != want-1 || headHash != prev {
		return &activity.Break{Seq: want, Reason: "missing_tail"}, checked, nil
	}
	for by, entries := range redacted {
		for _, r := range entries {
			if p, ok := pins[by]; !ok || p.seq <= r.Seq || !privacy.Pinned(p.list, r) {
				return &activity.Break{Seq: r.Seq, Reason: "hash_mismatch"}, checked, nil
			}
		}
	}
	return nil, checked, nil
}

// PurgeActivity deletes the current account's entries older than before,
// keeping the sequence and hash of the last one deleted so that the rest of
// the chain still verifies. It returns how many entries went.
func (db *DB) PurgeActivity(ctx context.Context, before time.Time) (int64, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = db.WithTx(ctx, func(ctx context.Context) error {
		var seq int64
		var hash string
		err := db.writer(ctx).QueryRowContext(ctx, `SELECT seq, hash FROM activity
			WHERE account_id = $1 AND at < $2 AND seq > 0 ORDER BY seq DESC LIMIT 1`, acc, before.UTC()).Scan(&seq, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return dbErr("storage.PurgeActivity", err)
		}
		res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM activity WHERE account_id = $1 AND seq <= $2`, acc, seq)
		if err != nil {
			return dbErr("storage.PurgeActivity", err)
		}
		n, _ = res.RowsAffected()
		_, err = db.writer(ctx).ExecContext(ctx,
			`UPDATE activity_heads SET purged_seq = $2, purged_hash = $3 WHERE account_id = $1`, acc, seq, hash)
		return dbErr("storage.PurgeActivity", err)
	})
	return n, err
}

// pinOf returns the list of redacted entries an erasure's changes pin, if any.
func pinOf(changes string) string {
	if !strings.Contains(changes, privacy.RedactionField) {
		return ""
	}
	var cs []activity.Change
	if json.Unmarshal([]byte(changes), &cs) != nil {
		return ""
	}
	for _, c := range cs {
		if c.Field == privacy.RedactionField {
			return c.After
		}
	}
	return ""
}

// PinOf returns the privacy.Pin of the given entries of the current
// account, read as they are before redaction.
func (db *DB) PinOf(ctx context.Context, entries []LogEntry) (string, error) {
	acc, err := scope(ctx)
	if err != nil {
		return "", err
	}
	var out []privacy.PinnedEntry
	for chunk := range chunks(entries, 500) {
		ids := make([]any, len(chunk))
		for i, l := range chunk {
			ids[i] = l.ID
		}
		rows, err := db.writer(ctx).QueryContext(ctx, `SELECT at, COALESCE(user_id, 0), module, action, record_type,
			COALESCE(record_id, 0), ip, user_agent, via_support, seq, hash
			FROM activity WHERE account_id = $1 AND id IN (`+idList(ids)+`) ORDER BY seq`, acc)
		if err != nil {
			return "", dbErr("storage.PinOf", err)
		}
		pinned, err := collect(rows, func(r *sql.Rows) (privacy.PinnedEntry, error) {
			var e activity.Entry
			var p privacy.PinnedEntry
			err := r.Scan(utc(&e.At), &e.UserID, &e.Module, &e.Action, &e.RecordType, &e.RecordID, &e.IP, &e.UserAgent,
				&e.ViaSupport, &p.Seq, &p.Hash)
			p.Meta = activity.MetaDigest(e)
			return p, err
		})
		if err != nil {
			return "", err
		}
		out = append(out, pinned...)
	}
	return privacy.Pin(out), nil
}
