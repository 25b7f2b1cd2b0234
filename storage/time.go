package storage

import (
	"fmt"
	"time"
)

// Drivers return times in the process's local zone; Comptoir keeps every
// time in UTC and converts for display only. utc and nullUTC are scan
// targets that do the conversion once, here.

type utcScanner struct{ dst *time.Time }

// utc scans a NOT NULL timestamp into *t, in UTC.
func utc(t *time.Time) utcScanner { return utcScanner{t} }

func (s utcScanner) Scan(v any) error {
	t, ok := v.(time.Time)
	if !ok {
		return fmt.Errorf("storage: cannot scan %T into a time", v)
	}
	*s.dst = t.UTC()
	return nil
}

type nullUTCScanner struct{ dst **time.Time }

// nullUTC scans a nullable timestamp into *t (nil for NULL), in UTC.
func nullUTC(t **time.Time) nullUTCScanner { return nullUTCScanner{t} }

func (s nullUTCScanner) Scan(v any) error {
	if v == nil {
		*s.dst = nil
		return nil
	}
	var t time.Time
	if err := utc(&t).Scan(v); err != nil {
		return err
	}
	*s.dst = &t
	return nil
}
