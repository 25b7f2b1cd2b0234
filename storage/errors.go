package storage

import (
	"database/sql"
	"errors"

	"github.com/comptoir/comptoir/errs"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dbErr turns driver errors into the error model: no rows is NotFound, a
// unique or foreign-key violation is Conflict, anything else Internal.
func dbErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &errs.Error{Op: op, Kind: errs.NotFound, Message: "not found", Err: err}
	}
	if isUniqueViolation(err) {
		return &errs.Error{Op: op, Kind: errs.Conflict, Message: "already exists", Err: err}
	}
	return errs.Wrap(op, err)
}

func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// mustAffect turns "no row changed" into NotFound: an update or delete that
// names another account's id touches nothing and must say so.
func mustAffect(op string, res sql.Result, err error) error {
	if err != nil {
		return dbErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return errs.Wrap(op, err)
	}
	if n == 0 {
		return errs.E(op, errs.NotFound, "not found")
	}
	return nil
}
