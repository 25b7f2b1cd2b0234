package backup

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Policy is how many backups a destination keeps: the newest of each of the
// last Daily days, Weekly ISO weeks and Monthly months that have one.
type Policy struct{ Daily, Weekly, Monthly int }

// DefaultPolicy keeps a week of dailies, a month of weeklies and a year of
// monthlies.
var DefaultPolicy = Policy{Daily: 7, Weekly: 4, Monthly: 12}

// Keep returns the ids of list (newest first) the policy keeps. The newest
// backup and the newest verified one are always kept: rotation never
// leaves a destination without a backup known to restore.
func (p Policy) Keep(list []Listed) map[string]bool {
	keep := map[string]bool{}
	if len(list) == 0 {
		return keep
	}
	keep[list[0].ID] = true
	newest := func(ok func(Listed) bool) {
		for _, l := range list {
			if ok(l) {
				keep[l.ID] = true
				return
			}
		}
	}
	newest(func(l Listed) bool { return l.Verified != nil })
	newest(func(l Listed) bool { return l.Checked })
	// Backups whose snapshot failed its checks fill no daily, weekly or
	// monthly place: nights of bad snapshots never push out a good one.
	checked := make([]Listed, 0, len(list))
	for _, l := range list {
		if l.Checked {
			checked = append(checked, l)
		}
	}
	bucket := func(n int, key func(time.Time) string) {
		seen := map[string]bool{}
		for _, l := range checked {
			if len(seen) >= n {
				return
			}
			t, err := TimeOf(l.ID)
			if err != nil {
				continue
			}
			k := key(t)
			if !seen[k] {
				seen[k] = true
				keep[l.ID] = true
			}
		}
	}
	bucket(p.Daily, func(t time.Time) string { return t.Format(time.DateOnly) })
	bucket(p.Weekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) })
	bucket(p.Monthly, func(t time.Time) string { return t.Format("2006-01") })
	return keep
}

// StaleAfter is how old an incomplete backup's objects must be before
// rotation removes them: younger ones may be an upload under way.
const StaleAfter = 24 * time.Hour

// Rotate deletes from d the backups p does not keep, and the leftovers of
// incomplete backups older than StaleAfter. The backups named in also are
// kept whatever the policy says (the one just uploaded). It returns the
// ids removed.
func Rotate(ctx context.Context, d Destination, p Policy, now time.Time, also ...string) ([]string, error) {
	list, incomplete, err := List(ctx, d)
	if err != nil {
		return nil, err
	}
	keep := p.Keep(list)
	for _, id := range also {
		keep[id] = true
	}
	var removed []string
	var errs []error
	for _, l := range list {
		if keep[l.ID] {
			continue
		}
		// The descriptor goes first: a backup half deleted is incomplete,
		// never a complete backup with a missing archive.
		if err := d.Delete(ctx, DescriptorName(l.ID)); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, name := range []string{ArchiveName(l.ID), VerificationName(l.ID)} {
			if err := d.Delete(ctx, name); err != nil {
				errs = append(errs, err)
			}
		}
		removed = append(removed, l.ID)
	}
	for _, inc := range incomplete {
		if inc.Unreadable != "" {
			continue
		}
		t, err := TimeOf(inc.ID)
		if err != nil || now.Sub(t) < StaleAfter || now.Sub(inc.Object.Modified) < StaleAfter {
			continue
		}
		if err := d.Delete(ctx, inc.Object.Name); err != nil {
			errs = append(errs, err)
		}
	}
	return removed, errors.Join(errs...)
}
