package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// SnapshotSQLite writes a consistent copy of the SQLite database to path
// with VACUUM INTO, while the application keeps reading and writing: the
// copy is the database as of the read transaction VACUUM runs in. The file
// must not exist. A failure (a full disk) removes what was written.
func (db *DB) SnapshotSQLite(ctx context.Context, path string) error {
	if db.engine != SQLite {
		return errors.New("storage: VACUUM INTO is SQLite's")
	}
	if strings.ContainsRune(path, 0) {
		return errors.New("storage: bad snapshot path")
	}
	// A connection of its own: the read pool's are query-only, and the
	// write pool's one connection must stay free for the application.
	// VACUUM INTO only reads the source, in one read transaction.
	conn, err := sql.Open("sqlite", sqliteDSN(db.path, false))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("snapshot the database to %s: %w", path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity_check and foreign_key_check and
// returns what they find, nothing when the database is sound. On
// PostgreSQL, whose storage checks itself, it checks that every foreign
// key still holds only through the restore's own loading; it returns nil.
func (db *DB) IntegrityCheck(ctx context.Context) ([]string, error) {
	if db.engine != SQLite {
		return nil, nil
	}
	var problems []string
	rows, err := db.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, dbErr("storage.IntegrityCheck", err)
	}
	msgs, err := collect(rows, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return nil, dbErr("storage.IntegrityCheck", err)
	}
	for _, m := range msgs {
		if m != "ok" {
			problems = append(problems, m)
		}
	}
	fk, err := db.read.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, dbErr("storage.IntegrityCheck", err)
	}
	defer fk.Close()
	for fk.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int64
		if err := fk.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return nil, dbErr("storage.IntegrityCheck", err)
		}
		problems = append(problems, fmt.Sprintf("%s row %d refers to a missing %s row", table, rowid.Int64, parent))
	}
	return problems, fk.Err()
}

// FileRef is an attached file a record refers to.
type FileRef struct {
	Account  int64
	Checksum string
}

// AttachedFiles lists every file the attachments of every account refer
// to: what a backup must hold beside the database. Instance-wide: backups
// are the operator's.
func (db *DB) AttachedFiles(ctx context.Context) ([]FileRef, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT DISTINCT account_id, checksum FROM attachments ORDER BY account_id, checksum`)
	if err != nil {
		return nil, dbErr("storage.AttachedFiles", err)
	}
	return collect(rows, func(r *sql.Rows) (FileRef, error) {
		var f FileRef
		return f, r.Scan(&f.Account, &f.Checksum)
	})
}

// BackupRun is one backup, verification or restore of the instance.
type BackupRun struct {
	ID         int64
	Kind       string
	BackupID   string
	Host       string
	StartedAt  time.Time
	FinishedAt *time.Time
	Status     string
	Size       int64
	PlainBytes int64
	Rows       int64
	Files      int64
	Report     string // JSON
	Error      string
}

const backupRunColumns = `id, kind, backup_id, host, started_at, finished_at, status, size, plain_bytes, row_count, file_count, report, error`

func scanBackupRun(r interface{ Scan(...any) error }) (BackupRun, error) {
	var b BackupRun
	var fin sql.NullTime
	err := r.Scan(&b.ID, &b.Kind, &b.BackupID, &b.Host, &b.StartedAt, &fin, &b.Status, &b.Size, &b.PlainBytes, &b.Rows, &b.Files, &b.Report, &b.Error)
	b.StartedAt = b.StartedAt.UTC()
	if fin.Valid {
		t := fin.Time.UTC()
		b.FinishedAt = &t
	}
	return b, err
}

// StartBackupRun records a run that begins now and returns its id.
func (db *DB) StartBackupRun(ctx context.Context, kind, backupID, host string) (int64, error) {
	var id int64
	err := db.writer(ctx).QueryRowContext(ctx, `INSERT INTO backup_runs (kind, backup_id, host, started_at, status)
		VALUES ($1, $2, $3, $4, 'running') RETURNING id`, kind, backupID, host, db.Now(ctx)).Scan(&id)
	if err != nil {
		return 0, dbErr("storage.StartBackupRun", err)
	}
	return id, nil
}

// FinishBackupRun records how run ended.
func (db *DB) FinishBackupRun(ctx context.Context, b BackupRun) error {
	_, err := db.writer(ctx).ExecContext(ctx, `UPDATE backup_runs SET backup_id = $1, finished_at = $2, status = $3,
		size = $4, plain_bytes = $5, row_count = $6, file_count = $7, report = $8, error = $9 WHERE id = $10`,
		b.BackupID, db.Now(ctx), b.Status, b.Size, b.PlainBytes, b.Rows, b.Files, b.Report, b.Error, b.ID)
	return dbErr("storage.FinishBackupRun", err)
}

// InterruptBackupRuns marks the runs of kind ("" for every kind) still
// "running" that started before the instant given, saying why: their
// process is gone.
func (db *DB) InterruptBackupRuns(ctx context.Context, kind string, before time.Time, why string) (int64, error) {
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE backup_runs SET status = 'interrupted', finished_at = $1,
		error = $2 WHERE status = 'running' AND ($3 = '' OR kind = $3) AND started_at < $4`, db.Now(ctx), why, kind, before.UTC())
	if err != nil {
		return 0, dbErr("storage.InterruptBackupRuns", err)
	}
	return res.RowsAffected()
}

// HasBackupRun reports whether a run of kind for backupID by host started
// at the instant given is recorded.
func (db *DB) HasBackupRun(ctx context.Context, kind, backupID, host string, at time.Time) (bool, error) {
	var n int
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM backup_runs WHERE kind = $1 AND backup_id = $2
		AND host = $3 AND started_at = $4`, kind, backupID, host, at.UTC()).Scan(&n)
	return n > 0, dbErr("storage.HasBackupRun", err)
}

// BackupRuns lists the latest runs, newest first; kind "" is every kind.
func (db *DB) BackupRuns(ctx context.Context, kind string, limit int) ([]BackupRun, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+backupRunColumns+` FROM backup_runs
		WHERE ($1 = '' OR kind = $1) ORDER BY started_at DESC, id DESC LIMIT $2`, kind, limit)
	if err != nil {
		return nil, dbErr("storage.BackupRuns", err)
	}
	return collect(rows, func(r *sql.Rows) (BackupRun, error) { return scanBackupRun(r) })
}

// LastBackupRun returns the newest run of kind with one of the statuses,
// and false when there is none.
func (db *DB) LastBackupRun(ctx context.Context, kind string, statuses ...string) (BackupRun, bool, error) {
	q := `SELECT ` + backupRunColumns + ` FROM backup_runs WHERE kind = $1`
	args := []any{kind}
	if len(statuses) > 0 {
		marks := make([]string, len(statuses))
		for i, s := range statuses {
			args = append(args, s)
			marks[i] = fmt.Sprintf("$%d", i+2)
		}
		q += ` AND status IN (` + strings.Join(marks, ", ") + `)`
	}
	b, err := scanBackupRun(db.reader(ctx).QueryRowContext(ctx, q+` ORDER BY started_at DESC, id DESC LIMIT 1`, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return BackupRun{}, false, nil
	}
	if err != nil {
		return BackupRun{}, false, dbErr("storage.LastBackupRun", err)
	}
	return b, true, nil
}

// ClaimLease takes or renews the lease name for holder until the given
// instant, unless another holder's lease is still running. It reports
// whether holder has the lease.
func (db *DB) ClaimLease(ctx context.Context, name, holder string, until time.Time) (bool, error) {
	res, err := db.writer(ctx).ExecContext(ctx, `INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE job_leases.expires_at < $4 OR job_leases.holder = excluded.holder`, name, holder, until.UTC(), db.Now(ctx))
	if err != nil {
		return false, dbErr("storage.ClaimLease", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLease ends holder's lease name at once, so another may take it.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := db.writer(ctx).ExecContext(ctx, `UPDATE job_leases SET expires_at = $1 WHERE name = $2 AND holder = $3`,
		time.Unix(0, 0).UTC(), name, holder)
	return dbErr("storage.ReleaseLease", err)
}

// Holdings counts the accounts and users of the database, zero when its
// tables do not exist yet: a restore goes only into an empty database.
func (db *DB) Holdings(ctx context.Context) (accounts, users int64, err error) {
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'accounts'`
	if db.engine == Postgres {
		exists = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'accounts'`
	}
	var n int64
	if err := db.read.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return 0, 0, dbErr("storage.Holdings", err)
	}
	if n == 0 {
		return 0, 0, nil
	}
	err = db.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM users)`).Scan(&accounts, &users)
	return accounts, users, dbErr("storage.Holdings", err)
}

// LeaseUntil returns until when the lease name runs, the zero time when it
// was never taken.
func (db *DB) LeaseUntil(ctx context.Context, name string) (time.Time, error) {
	var until time.Time
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT expires_at FROM job_leases WHERE name = $1`, name).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, dbErr("storage.LeaseUntil", err)
	}
	return until.UTC(), nil
}

// RecordBackupRun records a finished run learnt of afterwards (a
// verification made on another machine).
func (db *DB) RecordBackupRun(ctx context.Context, b BackupRun) error {
	_, err := db.writer(ctx).ExecContext(ctx, `INSERT INTO backup_runs (kind, backup_id, host, started_at, finished_at, status,
		size, plain_bytes, row_count, file_count, report, error) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11)`,
		b.Kind, b.BackupID, b.Host, b.StartedAt.UTC(), b.Status, b.Size, b.PlainBytes, b.Rows, b.Files, b.Report, b.Error)
	return dbErr("storage.RecordBackupRun", err)
}

// ClearLeases removes every job lease: a restored instance starts with
// none, whatever the backup's moment held.
func (db *DB) ClearLeases(ctx context.Context) error {
	_, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM job_leases`)
	return dbErr("storage.ClearLeases", err)
}

// LeaseHolder returns who holds the lease name and until when; "" when
// nobody ever did.
func (db *DB) LeaseHolder(ctx context.Context, name string) (string, time.Time, error) {
	var holder string
	var until time.Time
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT holder, expires_at FROM job_leases WHERE name = $1`, name).Scan(&holder, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	return holder, until.UTC(), dbErr("storage.LeaseHolder", err)
}

// TakeLeaseFrom gives the lease name to holder if from still holds it: for
// a holder known to be dead before its lease expires.
func (db *DB) TakeLeaseFrom(ctx context.Context, name, from, holder string, until time.Time) (bool, error) {
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE job_leases SET holder = $1, expires_at = $2 WHERE name = $3 AND holder = $4`,
		holder, until.UTC(), name, from)
	if err != nil {
		return false, dbErr("storage.TakeLeaseFrom", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
