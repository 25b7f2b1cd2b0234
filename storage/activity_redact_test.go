package storage_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestRedactedEntriesStillVerify: an erasure empties entries about a
// person and pins their hashes in its own entry; the chain verifies. An
// entry marked redacted without a pin, or a redacted entry's hash changed,
// breaks it.
func TestRedactedEntriesStillVerify(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			cases := []struct {
				name   string
				tamper string // $1 the account, $2 the redacted entry, $3 an entry never redacted
				broken bool
			}{
				{"untouched", ``, false},
				{"an entry marked redacted without a pin", `UPDATE activity SET redacted_by = (SELECT MAX(id) FROM activity WHERE account_id = $1), summary = '' WHERE account_id = $1 AND id = $3 AND $2 > 0`, true},
				{"a redacted entry's hash replaced", `UPDATE activity SET hash = 'f00d' WHERE account_id = $1 AND id = $2 AND $3 > 0`, true},
				{"a redacted entry pointed at another pin", `UPDATE activity SET redacted_by = $3 WHERE account_id = $1 AND id = $2`, true},
				{"a redacted entry's action rewritten", `UPDATE activity SET action = 'delete' WHERE account_id = $1 AND id = $2 AND $3 > 0`, true},
				{"a redacted entry given text again", `UPDATE activity SET summary = 'innocent' WHERE account_id = $1 AND id = $2 AND $3 > 0`, true},
				{"an entry pinned by itself", `UPDATE activity SET redacted_by = id, summary = '', changes = '[]' WHERE account_id = $1 AND id = $3 AND $2 > 0`, true},
			}
			for _, c := range cases {
				db, raw := storagetest.OpenWithRaw(t, e)
				a := account.New("A")
				if err := db.CreateAccount(context.Background(), &a); err != nil {
					t.Fatal(err)
				}
				ctx := account.WithID(context.Background(), a.ID)
				var ids []int64
				for _, s := range []string{"created Zoé Quertinmont", "renamed Zoé Quertinmont", "unrelated"} {
					en := activity.Entry{Module: "contacts", Action: "update", Summary: s}
					if err := db.AppendActivity(ctx, &en); err != nil {
						t.Fatal(err)
					}
					ids = append(ids, en.ID)
				}
				seq, hash := entryPlace(t, raw, ids[1])
				list, err := db.PinOf(ctx, []storage.LogEntry{{ID: ids[1], Seq: seq, Hash: hash}})
				if err != nil {
					t.Fatal(err)
				}
				pin := activity.Entry{Module: "privacy", Action: "erase", RecordType: "erasure",
					Changes: []activity.Change{{Field: privacy.RedactionField, After: list}}}
				if err := db.AppendActivity(ctx, &pin); err != nil {
					t.Fatal(err)
				}
				if err := db.RedactActivity(ctx, []storage.LogEntry{{ID: ids[1], Seq: seq, Hash: hash}}, pin.ID); err != nil {
					t.Fatal(err)
				}
				if c.tamper != "" {
					if _, err := raw.Exec(c.tamper, a.ID, ids[1], ids[2]); err != nil {
						t.Fatal(err)
					}
				}
				brk, n, err := db.VerifyActivity(ctx)
				if err != nil || (brk != nil) != c.broken {
					t.Errorf("%s: break %+v after %d entries, %v; want broken=%v", c.name, brk, n, err, c.broken)
				}
				l, err := db.ListActivity(ctx, activity.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				for _, en := range l {
					if c.tamper == "" && en.ID == ids[1] && en.Summary != "" {
						t.Errorf("%s: redacted entry still reads %q", c.name, en.Summary)
					}
				}
			}
		})
	}
}

func entryPlace(t *testing.T, raw *sql.DB, id int64) (int64, string) {
	t.Helper()
	var seq int64
	var hash string
	if err := raw.QueryRow(`SELECT seq, hash FROM activity WHERE id = $1`, id).Scan(&seq, &hash); err != nil {
		t.Fatal(err)
	}
	return seq, hash
}
