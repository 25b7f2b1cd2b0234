package backup_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comptoir/comptoir/backup"
)

// idAt returns a backup id made at t, its random part n.
func idAt(t time.Time, n int) string {
	return t.UTC().Format("20060102T150405Z") + "-" + strings.Repeat("0", 3) + string(rune('0'+n%10))
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Add(2*time.Hour + 30*time.Minute)
}

// history lists backups made at times (any order), newest first, the
// ones at the verified times marked verified.
func history(times []time.Time, verified ...time.Time) []backup.Listed {
	var out []backup.Listed
	for _, t := range times {
		l := backup.Listed{Descriptor: backup.Descriptor{ID: idAt(t, 0), Checked: true}}
		for _, v := range verified {
			if v.Equal(t) {
				l.Verified = &backup.Verification{ID: l.ID, VerifiedAt: t.Add(time.Hour)}
			}
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b backup.Listed) int { return strings.Compare(b.ID, a.ID) })
	return out
}

// daily returns one backup a day at 02:30 for n days up to last.
func daily(last string, n int) []time.Time {
	end := day(last)
	var out []time.Time
	for i := range n {
		out = append(out, end.AddDate(0, 0, -i))
	}
	return out
}

func days(list ...string) []time.Time {
	var out []time.Time
	for _, s := range list {
		out = append(out, day(s))
	}
	return out
}

func TestPolicyKeep(t *testing.T) {
	var severalADay []time.Time
	for d := range 10 {
		for _, h := range []int{1, 9, 17} {
			severalADay = append(severalADay, time.Date(2026, 3, 1+d, h, 0, 0, 0, time.UTC))
		}
	}
	tests := []struct {
		name     string
		policy   backup.Policy
		times    []time.Time
		verified []time.Time
		want     []time.Time
	}{
		{name: "nothing", policy: backup.DefaultPolicy},
		{name: "0/0/0 keeps the only backup", policy: backup.Policy{}, times: days("2026-03-15"), want: days("2026-03-15")},
		{name: "0/0/0 keeps the newest only", policy: backup.Policy{}, times: daily("2026-03-15", 5), want: days("2026-03-15")},
		{
			// Ends on Sunday 15 March 2026, ISO week 11; 400 days back is
			// February 2025. Dailies: 9–15 March. Weeklies: the Sundays of
			// weeks 11, 10, 9, 8. Monthlies: the last day of each month
			// from April 2025 to February 2026, and 15 March.
			name: "400 days of dailies, 7/4/12", policy: backup.DefaultPolicy, times: daily("2026-03-15", 400),
			want: days("2026-03-15", "2026-03-14", "2026-03-13", "2026-03-12", "2026-03-11", "2026-03-10", "2026-03-09",
				"2026-03-08", "2026-03-01", "2026-02-22",
				"2026-02-28", "2026-01-31", "2025-12-31", "2025-11-30", "2025-10-31", "2025-09-30", "2025-08-31",
				"2025-07-31", "2025-06-30", "2025-05-31", "2025-04-30"),
		},
		{
			name: "several a day: the newest of each day", policy: backup.Policy{Daily: 3}, times: severalADay,
			want: []time.Time{time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 17, 0, 0, 0, time.UTC)},
		},
		{
			name: "gaps: the days that have one", policy: backup.Policy{Daily: 3},
			times: days("2026-03-01", "2026-03-02", "2026-03-05", "2026-03-09", "2026-03-10"),
			want:  days("2026-03-10", "2026-03-09", "2026-03-05"),
		},
		{
			name: "the newest verified is older than everything kept", policy: backup.Policy{Daily: 2},
			times: daily("2026-03-10", 10), verified: days("2026-03-01", "2026-03-03"),
			want: days("2026-03-10", "2026-03-09", "2026-03-03"),
		},
		{
			name: "a verified backup among those kept adds nothing", policy: backup.Policy{Daily: 2},
			times: daily("2026-03-10", 10), verified: days("2026-03-09", "2026-03-03"),
			want: days("2026-03-10", "2026-03-09"),
		},
		{
			// 30 December 2024 and 2 January 2025 are both in ISO week 1
			// of 2025; 28 December is in week 52 of 2024.
			name: "ISO weeks across a new year", policy: backup.Policy{Weekly: 2},
			times: days("2024-12-28", "2024-12-30", "2025-01-02"),
			want:  days("2025-01-02", "2024-12-28"),
		},
		{
			name: "months that have one", policy: backup.Policy{Monthly: 2},
			times: days("2025-11-20", "2026-01-05", "2026-01-20", "2026-03-01"),
			want:  days("2026-03-01", "2026-01-20"),
		},
		{
			name: "more asked than there is", policy: backup.Policy{Daily: 30, Weekly: 10, Monthly: 24},
			times: days("2026-01-05", "2026-02-05", "2026-03-05"), want: days("2026-01-05", "2026-02-05", "2026-03-05"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := history(tt.times, tt.verified...)
			got := slices.Sorted(maps.Keys(tt.policy.Keep(list)))
			var want []string
			for _, w := range tt.want {
				want = append(want, idAt(w, 0))
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("kept %d: %v\nwant %d: %v", len(got), got, len(want), want)
			}
		})
	}
}

// TestPolicyKeepInvariants checks, over long generated histories, what
// rotation promises whatever the policy: the newest backup and the newest
// verified one stay, and no more than one per bucket is kept.
func TestPolicyKeepInvariants(t *testing.T) {
	for seed := range 20 {
		var times []time.Time
		at := day("2025-01-01")
		for i := range 300 {
			at = at.Add(time.Duration(3+(i*seed)%50) * time.Hour)
			times = append(times, at)
		}
		verified := times[seed*7%len(times)]
		list := history(times, verified)
		p := backup.Policy{Daily: seed % 8, Weekly: seed % 5, Monthly: seed % 13}
		keep := p.Keep(list)
		if !keep[list[0].ID] || !keep[idAt(verified, 0)] {
			t.Fatalf("seed %d: the newest or the newest verified was dropped", seed)
		}
		if max := p.Daily + p.Weekly + p.Monthly + 2; len(keep) > max {
			t.Fatalf("seed %d: %d kept, at most %d expected", seed, len(keep), max)
		}
	}
}

// putBackup stores a complete backup of id in the directory destination:
// archive, descriptor and, when verified, its record.
func putBackup(t testing.TB, d backup.Destination, id string, verified bool) {
	t.Helper()
	p, desc := stagedArchive(t, id, []byte("archive of "+id))
	if err := backup.Upload(context.Background(), d, p, desc, quick); err != nil {
		t.Fatal(err)
	}
	if verified {
		if err := backup.MarkVerified(context.Background(), d, backup.Verification{ID: id}, quick); err != nil {
			t.Fatal(err)
		}
	}
}

func objectNames(t testing.TB, d backup.Destination) []string {
	t.Helper()
	objects, err := d.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range objects {
		out = append(out, o.Name)
	}
	slices.Sort(out)
	return out
}

func TestRotate(t *testing.T) {
	ctx := context.Background()
	now := day("2026-03-15").Add(time.Hour)
	base, dir := openTestDir(t)
	d := watch(base)
	var ids []string
	for _, tm := range daily("2026-03-15", 5) {
		ids = append(ids, idAt(tm, 0))
	}
	// ids: 15, 14, 13, 12, 11 March; the 11th verified.
	for i, id := range ids {
		putBackup(t, base, id, i == 4)
	}
	// Leftovers of incomplete backups: old and untouched for a day (gone),
	// old but written a moment ago (an upload under way: kept), recent.
	stale, busy, fresh := idAt(day("2026-03-01"), 1), idAt(day("2026-03-02"), 2), idAt(now.Add(-time.Hour), 3)
	for _, id := range []string{stale, busy, fresh} {
		if err := base.Put(ctx, backup.ArchiveName(id), strings.NewReader("partial"), 7); err != nil {
			t.Fatal(err)
		}
	}
	old, recent := now.Add(-backup.StaleAfter-time.Minute), now.Add(-time.Minute)
	for id, mod := range map[string]time.Time{stale: old, busy: recent, fresh: old} {
		if err := os.Chtimes(filepath.Join(dir, backup.ArchiveName(id)), mod, mod); err != nil {
			t.Fatal(err)
		}
	}

	removed, err := backup.Rotate(ctx, d, backup.Policy{Daily: 2}, now)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	if want := []string{ids[3], ids[2]}; !slices.Equal(removed, want) {
		t.Fatalf("removed %v, want %v (the 11th is the newest verified)", removed, want)
	}
	want := []string{backup.ArchiveName(busy), backup.ArchiveName(fresh)}
	for _, id := range []string{ids[0], ids[1], ids[4]} {
		want = append(want, backup.ArchiveName(id), backup.DescriptorName(id))
	}
	want = append(want, backup.VerificationName(ids[4]))
	slices.Sort(want)
	if got := objectNames(t, base); !slices.Equal(got, want) {
		t.Fatalf("left:\n%v\nwant:\n%v", got, want)
	}
	// Each backup removed loses its descriptor first: cut short, it is an
	// incomplete backup, never a listed one without its archive.
	calls := d.seen()
	for _, id := range removed {
		i := slices.Index(calls, "delete "+backup.DescriptorName(id))
		j := slices.Index(calls, "delete "+backup.ArchiveName(id))
		if i < 0 || j < 0 || i > j {
			t.Fatalf("deletes of %s: %v", id, calls)
		}
	}

	// Nothing more to do the second time.
	if removed, err := backup.Rotate(ctx, d, backup.Policy{Daily: 2}, now); err != nil || len(removed) != 0 {
		t.Fatalf("second rotation removed %v, %v", removed, err)
	}
}

func TestRotateReportsFailedDeletes(t *testing.T) {
	ctx := context.Background()
	base, _ := openTestDir(t)
	d := watch(base)
	a, b := idAt(day("2026-03-10"), 0), idAt(day("2026-03-09"), 0)
	putBackup(t, base, a, false)
	putBackup(t, base, b, false)
	d.failDelete[backup.ArchiveName(b)] = true
	_, err := backup.Rotate(ctx, d, backup.Policy{Daily: 1}, day("2026-03-10"))
	if err == nil || !strings.Contains(err.Error(), backup.ArchiveName(b)) {
		t.Fatalf("a failed delete: %v", err)
	}
	// Its descriptor went first: what is left is not listed as a backup.
	list, incomplete, err := backup.List(ctx, base)
	if err != nil || len(list) != 1 || list[0].ID != a || len(incomplete) != 1 || incomplete[0].ID != b {
		t.Fatalf("after the failed delete: %v, %v, %v", list, incomplete, err)
	}
}

func TestRetry(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		retry     backup.Retry
		failFirst int
		wantCalls int
		wantErr   bool
	}{
		{"success at once", backup.Retry{Attempts: 3, Wait: time.Millisecond}, 0, 1, false},
		{"success at the third", backup.Retry{Attempts: 3, Wait: time.Millisecond}, 2, 3, false},
		{"attempts spent", backup.Retry{Attempts: 3, Wait: time.Millisecond}, 10, 3, true},
		{"one attempt", backup.Retry{Attempts: 1, Wait: time.Hour}, 10, 1, true},
		{"zero means three", backup.Retry{Wait: time.Millisecond}, 10, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := tt.retry.Do(context.Background(), func() error {
				calls++
				if calls <= tt.failFirst {
					return boom
				}
				return nil
			})
			if calls != tt.wantCalls || (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, boom)) {
				t.Fatalf("%d calls, %v; want %d calls, error %v", calls, err, tt.wantCalls, tt.wantErr)
			}
		})
	}

	// The wait doubles: 20 ms, then 40 ms.
	start := time.Now()
	_ = backup.Retry{Attempts: 3, Wait: 20 * time.Millisecond}.Do(context.Background(), func() error { return boom })
	if took := time.Since(start); took < 60*time.Millisecond {
		t.Fatalf("three attempts took %v, want at least 20 + 40 ms of waiting", took)
	}
}

func TestRetryStopsWhenCancelled(t *testing.T) {
	boom := errors.New("boom")
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	done := make(chan error, 1)
	go func() {
		done <- backup.Retry{Attempts: 5, Wait: time.Hour}.Do(ctx, func() error { calls.Add(1); return boom })
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !errors.Is(err, boom) || calls.Load() != 1 {
			t.Fatalf("cancelled while waiting: %v after %d calls", err, calls.Load())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Retry kept waiting after its context was cancelled")
	}

	// Already cancelled: one try, no wait.
	start := time.Now()
	err := backup.Retry{Attempts: 5, Wait: time.Hour}.Do(ctx, func() error { return boom })
	if !errors.Is(err, boom) || time.Since(start) > time.Second {
		t.Fatalf("with a cancelled context: %v after %v", err, time.Since(start))
	}
}

// TestPolicyKeepSkipsFailedSnapshots: backups whose snapshot failed its
// checks take no daily place, so three bad nights under a 3-day policy
// keep the last good backup; the newest backup is kept all the same.
func TestPolicyKeepSkipsFailedSnapshots(t *testing.T) {
	list := history(daily("2026-03-10", 6))
	for i := range 3 { // the three newest nights failed their checks
		list[i].Checked = false
	}
	keep := backup.Policy{Daily: 3}.Keep(list)
	want := []string{list[0].ID, list[3].ID, list[4].ID, list[5].ID}
	got := slices.Sorted(maps.Keys(keep))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
}
