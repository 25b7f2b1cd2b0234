package storage_test

import (
	"testing"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestErasedNameLeavesTheSearchIndex: on SQLite the contact search is an
// FTS5 index whose shadow tables would keep a deleted row's trigrams
// behind a marker; in secure-delete mode the erased name's trigrams go.
func TestErasedNameLeavesTheSearchIndex(t *testing.T) {
	db, raw := storagetest.OpenWithRaw(t, storagetest.Engines()[0])
	ctx, _ := mustAccount(t, db, "A")
	for _, name := range []string{"Zqxwvyk", "Durand"} {
		c := crm.Contact{Kind: crm.Person, LastName: name, IsProspect: true}
		if err := db.CreateContact(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if name == "Durand" {
			continue
		}
		indexed := func() int {
			var n int
			if err := raw.QueryRow(`SELECT COUNT(*) FROM contacts_fts_data WHERE instr(block, CAST('xwv' AS BLOB)) > 0`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if indexed() == 0 {
			t.Fatal("the name's trigrams are not in the index: the check is broken")
		}
		if _, err := db.EraseContact(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if n := indexed(); n != 0 {
			t.Errorf("the erased name's trigrams are still in %d blocks of the search index", n)
		}
	}
}
