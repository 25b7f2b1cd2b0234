package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestRetentionCommand follows the "done when": on the demo, a
// retention dry run two years ahead changes nothing but its own log row
// and says what it would do; the real run on that day deletes the
// prospects and keeps every invoice.
func TestRetentionCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"COMPTOIR_DATA": dir}
	if _, _, err := runCLI(t, env, "demo"); err != nil {
		t.Fatal(err)
	}
	list, _, err := runCLI(t, env, "account", "list")
	if err != nil {
		t.Fatal(err)
	}
	id := strings.Fields(list)[0]
	ahead := time.Now().UTC().AddDate(2, 0, 1).Format(time.DateOnly)

	before := storagetest.SQLiteRowCounts(t, dir)
	invoices := demoInvoices(t, dir, id)
	out, _, err := runCLI(t, env, "retention", "run", "--dry-run", "--account", id, "--as-of", ahead)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dry run: nothing changed", "POLICY", "prospects", "Léa Martin"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	after := storagetest.SQLiteRowCounts(t, dir)
	for table, n := range before {
		if after[table] != n && table != "retention_runs" {
			t.Errorf("a dry run changed %s: %d rows, then %d", table, n, after[table])
		}
	}
	if after["retention_runs"] != before["retention_runs"]+1 {
		t.Errorf("the dry run is not logged: %d runs, then %d", before["retention_runs"], after["retention_runs"])
	}

	out, _, err = runCLI(t, env, "retention", "run", "--account", id, "--as-of", ahead)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "applied") {
		t.Errorf("run output:\n%s", out)
	}
	csv, _, err := runCLI(t, env, "export", "contacts", "--account", id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(csv, "Martin") || !strings.Contains(csv, "Dupré") {
		t.Errorf("after the run the prospect should be gone and the clients kept:\n%s", csv)
	}
	if got := demoInvoices(t, dir, id); got != invoices || invoices == 0 {
		t.Errorf("invoices: %d before, %d after the run", invoices, got)
	}

	// The command over every account, and its errors.
	if out, _, err = runCLI(t, env, "retention", "run", "--dry-run"); err != nil || !strings.Contains(out, "instance:") {
		t.Errorf("retention run over every account: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, env, "retention", "run", "--as-of", "tomorrow"); err == nil || exitCode(err) != 2 {
		t.Errorf("a bad --as-of: %v", err)
	}
}

// demoInvoices counts the invoices of account id in the SQLite database in dir.
func demoInvoices(t *testing.T, dir, id string) int {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	s := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var acc int64
	for _, c := range id {
		acc = acc*10 + int64(c-'0')
	}
	docs, err := s.Documents(account.WithID(access.AsSystem(ctx), acc), sales.Filter{Kinds: []string{sales.Invoice}, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(docs)
}
