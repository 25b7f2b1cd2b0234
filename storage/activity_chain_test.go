package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestActivityChainDetectsTampering changes, deletes and truncates entries
// behind the application's back; verification must name the first broken
// entry each time.
func TestActivityChainDetectsTampering(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			cases := []struct {
				name   string
				tamper string // SQL with $1 = the account, $2 = the third entry's id
				reason string
			}{
				{"edit a summary", `UPDATE activity SET summary = 'innocent' WHERE account_id = $1 AND id = $2`, "hash_mismatch"},
				{"change the author", `UPDATE activity SET user_id = NULL, ip = '10.0.0.1' WHERE account_id = $1 AND id = $2`, "hash_mismatch"},
				{"delete an entry", `DELETE FROM activity WHERE account_id = $1 AND id = $2`, "sequence_gap"},
				{"delete the newest entries", `DELETE FROM activity WHERE account_id = $1 AND id >= $2`, "missing_tail"},
			}
			for _, c := range cases {
				db, raw := storagetest.OpenWithRaw(t, e)
				a := account.New("A")
				if err := db.CreateAccount(context.Background(), &a); err != nil {
					t.Fatal(err)
				}
				other := account.New("B")
				if err := db.CreateAccount(context.Background(), &other); err != nil {
					t.Fatal(err)
				}
				ctx := account.WithID(context.Background(), a.ID)
				octx := account.WithID(context.Background(), other.ID)
				var ids []int64
				for i := 0; i < 5; i++ {
					en := activity.Entry{Module: "account", Action: "update", Summary: "v", Changes: []activity.Change{{Field: "name", Before: "é", After: "ß"}}}
					if err := db.AppendActivity(ctx, &en); err != nil {
						t.Fatal(err)
					}
					ids = append(ids, en.ID)
					// Another account's entries interleave without touching A's chain.
					if err := db.AppendActivity(octx, &activity.Entry{Module: "x", Action: "y"}); err != nil {
						t.Fatal(err)
					}
				}
				if brk, n, err := db.VerifyActivity(ctx); err != nil || brk != nil || n != 5 {
					t.Fatalf("%s: intact log: %+v, %d, %v", c.name, brk, n, err)
				}
				if _, err := raw.Exec(c.tamper, a.ID, ids[2]); err != nil {
					t.Fatal(err)
				}
				brk, _, err := db.VerifyActivity(ctx)
				if err != nil || brk == nil || brk.Reason != c.reason {
					t.Fatalf("%s: %+v, %v; want %s", c.name, brk, err, c.reason)
				}
				if c.reason == "hash_mismatch" && brk.EntryID != ids[2] {
					t.Errorf("%s: first broken entry %d, want %d", c.name, brk.EntryID, ids[2])
				}
				if brk, _, _ := db.VerifyActivity(octx); brk != nil {
					t.Errorf("%s: the other account's log reads as broken: %+v", c.name, brk)
				}
			}
		})
	}
}

func TestActivityFilters(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, _ := mustAccount(t, db, "A")
		for i, rec := range []struct {
			module, typ string
			id          int64
		}{{"account", "bank_account", 7}, {"account", "bank_account", 8}, {"users", "user", 7}} {
			e := activity.Entry{Module: rec.module, Action: "update", RecordType: rec.typ, RecordID: rec.id, Summary: string(rune('a' + i))}
			if err := db.AppendActivity(ctx, &e); err != nil {
				t.Fatal(err)
			}
		}
		count := func(f activity.Filter) int {
			l, err := db.ListActivity(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return len(l)
		}
		if n := count(activity.Filter{RecordType: "bank_account", RecordID: 7}); n != 1 {
			t.Errorf("record filter: %d", n)
		}
		if n := count(activity.Filter{Module: "account"}); n != 2 {
			t.Errorf("module filter: %d", n)
		}
		now := db.Now(ctx)
		if n := count(activity.Filter{From: now.Add(-time.Hour), To: now.Add(time.Hour)}); n != 3 {
			t.Errorf("day filter: %d", n)
		}
		if n := count(activity.Filter{From: now.Add(time.Hour)}); n != 0 {
			t.Errorf("future: %d", n)
		}
	})
}

// TestActivityRetentionKeepsTheChain purges old entries: the rest still
// verifies, and tampering with it is still caught.
func TestActivityRetentionKeepsTheChain(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db, raw := storagetest.OpenWithRaw(t, e)
			a := account.New("A")
			if err := db.CreateAccount(context.Background(), &a); err != nil {
				t.Fatal(err)
			}
			ctx := account.WithID(context.Background(), a.ID)
			t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			var last int64
			for i := 0; i < 8; i++ {
				at := t0
				if i >= 5 {
					at = t0.AddDate(0, 0, 10)
				}
				db.SetClock(func() time.Time { return at })
				en := activity.Entry{Module: "m", Action: "a", Summary: string(rune('a' + i))}
				if err := db.AppendActivity(ctx, &en); err != nil {
					t.Fatal(err)
				}
				last = en.ID
			}
			n, err := db.PurgeActivity(ctx, t0.AddDate(0, 0, 5))
			if err != nil || n != 5 {
				t.Fatalf("purged %d, %v; want 5", n, err)
			}
			if brk, checked, err := db.VerifyActivity(ctx); err != nil || brk != nil || checked != 3 {
				t.Fatalf("after purge: %+v, %d, %v", brk, checked, err)
			}
			if _, err := raw.Exec(`UPDATE activity SET summary = 'x' WHERE account_id = $1 AND id = $2`, a.ID, last); err != nil {
				t.Fatal(err)
			}
			if brk, _, _ := db.VerifyActivity(ctx); brk == nil || brk.Reason != "hash_mismatch" {
				t.Fatalf("tampering after purge: %+v", brk)
			}
		})
	}
}
