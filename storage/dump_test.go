package storage_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
	// The dump's tests build their data as the application does, through
	// the service layer, from this external test package.
	"github.com/comptoir/comptoir/service" //nolint:depguard // test data made through the use cases
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// world is an instance built through the service layer: account C (its
// owner is also a member of A), the demo account A with a person attached
// to a company created after them and a bill with a file, and account B.
type world struct {
	db       *storage.DB
	raw      *sql.DB
	svc      *service.Service
	a, b, c  int64
	demoUser int64
	cUser    int64
	person   int64 // a person of A whose company has a greater id
}

const (
	cEmail = "comptable@cabinet-c.example"
	bEmail = "owner@b.example"
)

func newSvc(tb testing.TB, db *storage.DB) *service.Service {
	s := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Password = password.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 16}
	s.Files = files.Store{Dir: tb.TempDir()}
	return s
}

// actor is the context of a user acting in an account with every right.
func actor(acc, user int64) context.Context {
	owner, _ := access.Builtin(access.RoleOwner)
	ctx := access.WithRights(account.WithID(context.Background(), acc), owner)
	return identity.WithActor(ctx, identity.Actor{UserID: user, IP: "192.0.2.7", UserAgent: "dump test"})
}

func ptr[T any](v T) *T { return &v }

// need2 drops the error of a call whose failure the next check shows.
func need2[A, B any](a A, b B, _ error) (A, B) { return a, b }

// need returns v once tb is given, failing tb if err is not nil:
// need(f())(t).
func need[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

func buildWorld(t *testing.T, e storagetest.Engine) *world {
	t.Helper()
	db, raw := storagetest.OpenWithRaw(t, e)
	w := &world{db: db, raw: raw, svc: newSvc(t, db)}
	bg := context.Background()
	sys := access.AsSystem(bg)
	newAccount := func(name, email string) (int64, int64) {
		a, u, err := w.svc.CreateAccount(sys, service.NewAccount{Account: account.New(name), OwnerEmail: email,
			OwnerName: "Propriétaire", OwnerPassword: "pass1234word", OwnerVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID, u.ID
	}
	w.c, w.cUser = newAccount("Cabinet C", cEmail)
	need(w.svc.CreateContact(actor(w.c, w.cUser), crm.Input{Kind: ptr(crm.Person), LastName: ptr("Client de C")}))(t)

	if _, err := demo.Seed(sys, w.svc); err != nil {
		t.Fatal(err)
	}
	u := need(db.UserByEmail(bg, demo.Email))(t)
	w.demoUser = u.ID
	ms := need(db.Memberships(bg, u.ID))(t)
	w.a = ms[0].AccountID
	ctxA := actor(w.a, w.demoUser)
	if err := db.AddMember(account.WithID(bg, w.a), w.cUser, access.RoleAccountant); err != nil {
		t.Fatal(err)
	}
	person := need(w.svc.CreateContact(ctxA, crm.Input{Kind: ptr(crm.Person), FirstName: ptr("Ainhoa"), LastName: ptr("Etxeberria"),
		Email: ptr("ainhoa@conserverie.example"), Notes: ptr("Ligne 1\nLigne 2 \"citée\" \\ tab\t€")}))(t)
	company := need(w.svc.CreateContact(ctxA, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Conserverie Ortiz"), IsSupplier: ptr(true)}))(t)
	need(w.svc.UpdateContact(ctxA, person.ID, crm.Input{CompanyID: &company.ID}))(t)
	w.person = person.ID
	bill := need(w.svc.CreateDocument(ctxA, sales.Input{Kind: ptr(sales.Bill), ContactID: &company.ID,
		Lines: &[]sales.Line{{Kind: sales.Item, Description: "Thon germon, 24 bocaux", Quantity: 2000, UnitPrice: 8900, VATRate: 550, Unit: "piece"}}}))(t)
	need(w.svc.AttachFile(ctxA, bill.ID, "facture-ortiz.pdf", bytes.NewReader([]byte("%PDF-1.7\nfacture Ortiz\n%%EOF\n"))))(t)
	logo := append([]byte("\x89PNG\r\n\x1a\n"), 0, 1, 2, 0xfe, 0xff)
	if err := db.SetAccountLogo(account.WithID(bg, w.a), logo, "image/png"); err != nil {
		t.Fatal(err)
	}
	// The demo owner has a second factor: its secret must not leave in an
	// account dump.
	if _, err := raw.Exec(`UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP', totp_enabled_at = created_at, totp_last_step = 42 WHERE id = $1`, w.demoUser); err != nil {
		t.Fatal(err)
	}

	var bUser int64
	w.b, bUser = newAccount("Boulangerie B", bEmail)
	ctxB := actor(w.b, bUser)
	client := need(w.svc.CreateContact(ctxB, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Hôtel du Palais"), IsClient: ptr(true)}))(t)
	need(w.svc.CreateDocument(ctxB, sales.Input{Kind: ptr(sales.Quote), ContactID: &client.ID,
		Lines: &[]sales.Line{{Kind: sales.Item, Description: "Pain de campagne", Quantity: 30_000, UnitPrice: 420, VATRate: 550, Unit: "piece"}}}))(t)
	need(w.svc.RecordPayment(ctxB, service.PaymentInput{ContactID: client.ID, Date: "2026-03-02", Amount: 5000, Method: "transfer", Reference: "ACOMPTE"}))(t)
	return w
}

// openEmpty opens a database on e with no migration applied, and a plain
// connection to it.
func openEmpty(t *testing.T, e storagetest.Engine) (*storage.DB, *sql.DB) {
	t.Helper()
	opts := e.Options(t)
	db, err := storage.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	driver, dsn := "pgx", opts.URL
	if dsn == "" {
		driver, dsn = "sqlite", "file:"+opts.DataDir+"/comptoir.db?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	return db, raw
}

// openAt opens an empty database on e migrated to version.
func openAt(t *testing.T, e storagetest.Engine, version int64) (*storage.DB, *sql.DB) {
	t.Helper()
	db, raw := openEmpty(t, e)
	if err := db.MigrateTo(context.Background(), version, nil); err != nil {
		t.Fatal(err)
	}
	if v := need(db.SchemaVersion(context.Background()))(t); v != version {
		t.Fatalf("migrated to %d, want %d", v, version)
	}
	return db, raw
}

// rows reads a dump's files as rows of column → JSON value, so that dumps
// of engines whose tables order columns differently compare.
func rows(t *testing.T, dir string, tables []storage.DumpTable) map[string][]map[string]string {
	t.Helper()
	out := map[string][]map[string]string{}
	for _, dt := range tables {
		f, err := os.Open(filepath.Join(dir, dt.Name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 64<<20)
		list := []map[string]string{}
		for sc.Scan() {
			var vals []json.RawMessage
			if err := json.Unmarshal(sc.Bytes(), &vals); err != nil {
				t.Fatalf("%s: %v", dt.Name, err)
			}
			row := map[string]string{}
			for i, c := range dt.Columns {
				row[c.Name] = string(vals[i])
			}
			list = append(list, row)
		}
		_ = f.Close()
		if int64(len(list)) != dt.Rows {
			t.Fatalf("%s.jsonl has %d rows, the dump says %d", dt.Name, len(list), dt.Rows)
		}
		out[dt.Name] = list
	}
	return out
}

func names(tables []storage.DumpTable) []string {
	var out []string
	for _, t := range tables {
		out = append(out, t.Name)
	}
	return out
}

// TestDumpRoundTrip dumps an instance on each engine and loads it into an
// empty database of each engine: every row comes back equal, every
// account's activity chain verifies, new rows get new ids, and the search
// finds a loaded contact.
func TestDumpRoundTrip(t *testing.T) {
	for _, from := range storagetest.Engines() {
		t.Run("from "+from.Name, func(t *testing.T) {
			t.Parallel()
			w := buildWorld(t, from)
			ctx := context.Background()
			dir := t.TempDir()
			tables := need(w.db.Dump(ctx, dir, storage.DumpOptions{}))(t)
			version := need(w.db.SchemaVersion(ctx))(t)
			counts := need(w.db.TableCounts(ctx))(t)
			if got, want := slices.Sorted(slices.Values(names(tables))), slices.Sorted(maps.Keys(counts)); !slices.Equal(got, want) {
				t.Fatalf("dumped tables %v, the live schema has %v", got, want)
			}
			for _, dt := range tables {
				if dt.Rows != counts[dt.Name] {
					t.Errorf("%s: dumped %d rows of %d", dt.Name, dt.Rows, counts[dt.Name])
				}
			}
			for _, table := range []string{"accounts", "users", "contacts", "documents", "document_lines", "payments", "payment_allocations",
				"attachments", "activity", "activity_heads", "memberships", "bank_accounts", "products"} {
				if counts[table] == 0 {
					t.Fatalf("the source has no %s: the round trip proves nothing there", table)
				}
			}
			want := rows(t, dir, tables)
			var maxContact int64
			for _, r := range want["contacts"] {
				var id int64
				_ = json.Unmarshal([]byte(r["id"]), &id)
				maxContact = max(maxContact, id)
			}

			for _, to := range storagetest.Engines() {
				t.Run("to "+to.Name, func(t *testing.T) {
					t.Parallel()
					db, _ := openAt(t, to, version)
					if err := db.Load(ctx, dir, tables, storage.LoadOptions{}); err != nil {
						t.Fatal(err)
					}
					again := t.TempDir()
					back := need(db.Dump(ctx, again, storage.DumpOptions{}))(t)
					if !slices.Equal(names(back), names(tables)) {
						t.Fatalf("tables %v, want %v", names(back), names(tables))
					}
					got := rows(t, again, back)
					for _, table := range names(tables) {
						if len(got[table]) != len(want[table]) {
							t.Errorf("%s: %d rows, want %d", table, len(got[table]), len(want[table]))
							continue
						}
						for i := range want[table] {
							if !maps.Equal(got[table][i], want[table][i]) {
								t.Errorf("%s row %d:\n got %v\nwant %v", table, i+1, got[table][i], want[table][i])
								break
							}
						}
					}
					for _, acc := range []int64{w.a, w.b, w.c} {
						brk, n, err := db.VerifyActivity(account.WithID(ctx, acc))
						if err != nil || brk != nil || n == 0 {
							t.Errorf("account %d: activity chain %+v after %d entries, %v", acc, brk, n, err)
						}
					}
					logo, _ := need2(db.AccountLogo(account.WithID(ctx, w.a)))
					if !bytes.HasPrefix(logo, []byte("\x89PNG")) || !bytes.HasSuffix(logo, []byte{0xfe, 0xff}) {
						t.Errorf("the logo came back as %q", logo)
					}
					person := need(db.Contact(account.WithID(ctx, w.a), w.person))(t)
					if person.CompanyID == 0 || person.CompanyID <= w.person {
						t.Errorf("the person's company is %d: the self-reference was not restored", person.CompanyID)
					}
					found := need(db.ListContacts(account.WithID(ctx, w.a), crm.Filter{Query: "Etxeberria", Limit: 10}))(t)
					if !slices.ContainsFunc(found, func(c crm.Contact) bool { return c.ID == w.person }) {
						t.Errorf("searching Etxeberria found %d contacts, not the loaded person", len(found))
					}

					// New rows after the load: ids past the loaded ones, and
					// the activity chain goes on.
					svc := newSvc(t, db)
					c := need(svc.CreateContact(actor(w.a, w.demoUser), crm.Input{Kind: ptr(crm.Person), LastName: ptr("Nouveau")}))(t)
					if c.ID <= maxContact {
						t.Errorf("a new contact got id %d, not past the loaded %d", c.ID, maxContact)
					}
					n2, _, err := svc.CreateAccount(access.AsSystem(ctx), service.NewAccount{Account: account.New("Après"), OwnerEmail: "apres@example.fr",
						OwnerPassword: "pass1234word", OwnerVerified: true})
					if err != nil || n2.ID <= max(w.a, w.b, w.c) {
						t.Errorf("a new account after the load: %+v %v", n2.ID, err)
					}
					if brk, _, err := db.VerifyActivity(account.WithID(ctx, w.a)); err != nil || brk != nil {
						t.Errorf("account A's chain after a new entry: %+v %v", brk, err)
					}
				})
			}
		})
	}
}

// TestDumpAccount dumps account A of an instance holding A, B and C, and
// restores it into an instance holding only C: A is there, C and its
// owner are untouched, the users are not doubled, and the dump carried no
// credential. A second restore is refused and changes nothing.
func TestDumpAccount(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := buildWorld(t, e)
			ctx := context.Background()
			version := need(w.db.SchemaVersion(ctx))(t)
			dirA, dirC := t.TempDir(), t.TempDir()
			tablesA := need(w.db.Dump(ctx, dirA, storage.DumpOptions{Account: w.a}))(t)
			tablesC := need(w.db.Dump(ctx, dirC, storage.DumpOptions{Account: w.c}))(t)
			gotA := rows(t, dirA, tablesA)

			// What an account dump holds: the account's rows only, its
			// users without credentials.
			if n := len(gotA["accounts"]); n != 1 || gotA["accounts"][0]["id"] != fmt.Sprint(w.a) {
				t.Fatalf("accounts of A's dump: %v", gotA["accounts"])
			}
			var users []string
			for _, u := range gotA["users"] {
				users = append(users, u["email"])
				if u["password_hash"] != `""` || u["totp_secret"] != `""` || u["totp_pending_secret"] != `""` || u["totp_enabled_at"] != "null" {
					t.Errorf("user %s left with credentials: %v", u["email"], u)
				}
			}
			if want := []string{`"` + cEmail + `"`, `"` + demo.Email + `"`}; !slices.Equal(users, want) {
				t.Errorf("users of A's dump %v, want %v (its members, not B's owner)", users, want)
			}
			for _, dt := range tablesA {
				if _, omitted := storage.AccountDumpOmitted[dt.Name]; omitted {
					t.Errorf("A's dump holds %s, which account dumps leave out", dt.Name)
				}
				for _, r := range gotA[dt.Name] {
					if acc, ok := r["account_id"]; ok && acc != fmt.Sprint(w.a) {
						t.Fatalf("%s: a row of account %s in A's dump", dt.Name, acc)
					}
				}
				for _, f := range privacy.FieldsOf(dt.Name) {
					for _, r := range gotA[dt.Name] {
						if v, ok := r[f.Column]; f.Category == privacy.Credentials && ok && v != `""` && v != "null" {
							t.Errorf("%s.%s, a credential, left in an account dump: %s", dt.Name, f.Column, v)
						}
					}
				}
			}
			sourceA := need(w.db.AccountRows(account.WithID(ctx, w.a)))(t)

			db, _ := openAt(t, e, version)
			if err := db.Load(ctx, dirC, tablesC, storage.LoadOptions{Account: w.c}); err != nil {
				t.Fatal(err)
			}
			before := t.TempDir()
			cBefore := need(db.Dump(ctx, before, storage.DumpOptions{Account: w.c}))(t)
			if err := db.Load(ctx, dirA, tablesA, storage.LoadOptions{Account: w.a}); err != nil {
				t.Fatal(err)
			}
			after := t.TempDir()
			cAfter := need(db.Dump(ctx, after, storage.DumpOptions{Account: w.c}))(t)
			rb, ra := rows(t, before, cBefore), rows(t, after, cAfter)
			for _, table := range names(cBefore) {
				if table == "users" {
					continue // C's dump names the users C's rows point at: A's restore added none of them
				}
				if fmt.Sprint(rb[table]) != fmt.Sprint(ra[table]) {
					t.Errorf("account C's %s changed:\nbefore %v\nafter  %v", table, rb[table], ra[table])
				}
			}
			restored := need(db.AccountRows(account.WithID(ctx, w.a)))(t)
			for _, table := range names(tablesA) {
				if table == "users" {
					continue
				}
				if restored[table] != sourceA[table] {
					t.Errorf("%s: %d rows of A restored, the source has %d", table, restored[table], sourceA[table])
				}
			}
			counts := need(db.TableCounts(ctx))(t)
			if counts["users"] != 2 {
				t.Errorf("%d users after the restore, want 2: C's owner kept once, A's owner added", counts["users"])
			}
			if brk, n, err := db.VerifyActivity(account.WithID(ctx, w.a)); err != nil || brk != nil || n == 0 {
				t.Errorf("A's activity chain after the restore: %+v, %d, %v", brk, n, err)
			}
			demoUser := need(db.UserByEmail(ctx, demo.Email))(t)
			if demoUser.ID != w.demoUser || demoUser.PasswordHash != "" || demoUser.TOTPEnabledAt != nil {
				t.Errorf("A's owner restored as %+v", demoUser)
			}
			need(newSvc(t, db).CreateContact(actor(w.a, w.demoUser), crm.Input{Kind: ptr(crm.Person), LastName: ptr("Après restauration")}))(t)

			// Again: refused, and nothing moves.
			counts = need(db.TableCounts(ctx))(t)
			err := db.Load(ctx, dirA, tablesA, storage.LoadOptions{Account: w.a})
			if want := fmt.Sprintf("account %d already exists in this instance: L'Épicerie du Bocal", w.a); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), want) {
				t.Errorf("a second restore: %v, want a conflict saying %q", err, want)
			}
			if now := need(db.TableCounts(ctx))(t); !maps.Equal(now, counts) {
				t.Errorf("a refused restore changed the database:\nbefore %v\nafter  %v", counts, now)
			}
		})
	}
}

// TestLoadAccountConflicts restores account A where a key or a user of its
// dump is taken: each is refused, saying which, and leaves the target as
// it was.
func TestLoadAccountConflicts(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := buildWorld(t, e)
			ctx := context.Background()
			version := need(w.db.SchemaVersion(ctx))(t)
			dirA, dirC := t.TempDir(), t.TempDir()
			tablesA := need(w.db.Dump(ctx, dirA, storage.DumpOptions{Account: w.a}))(t)
			tablesC := need(w.db.Dump(ctx, dirC, storage.DumpOptions{Account: w.c}))(t)
			now := time.Now().UTC()
			cases := []struct {
				name  string
				setup func(t *testing.T, db *storage.DB, raw *sql.DB)
				want  string
			}{
				{"a contact id the instance reused", func(t *testing.T, db *storage.DB, raw *sql.DB) {
					if _, err := raw.Exec(`INSERT INTO contacts (id, account_id, kind, last_name, sort_key, search_text, created_at, updated_at) VALUES ($1, $2, 'person', 'Réemploi', 'reemploi', 'reemploi', $3, $3)`,
						w.person, w.c, now); err != nil {
						t.Fatal(err)
					}
				}, fmt.Sprintf("contacts %d already exists: the instance reused this id; restore into an instance that never held it", w.person)},
				{"a user id held by another e-mail", func(t *testing.T, db *storage.DB, raw *sql.DB) {
					if _, err := raw.Exec(`INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES ($1, 'quelqu-un@ailleurs.example', 'x', $2, $2)`,
						w.demoUser, now); err != nil {
						t.Fatal(err)
					}
				}, fmt.Sprintf("user %d of the dump, %s, cannot be restored: id %d is quelqu-un@ailleurs.example's", w.demoUser, demo.Email, w.demoUser)},
				{"an e-mail held by another user", func(t *testing.T, db *storage.DB, raw *sql.DB) {
					if _, err := raw.Exec(`INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES (9999, $1, 'x', $2, $2)`,
						demo.Email, now); err != nil {
						t.Fatal(err)
					}
				}, fmt.Sprintf("the e-mail %s is user 9999's in this instance but user %d's in the dump", demo.Email, w.demoUser)},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					db, raw := openAt(t, e, version)
					if err := db.Load(ctx, dirC, tablesC, storage.LoadOptions{Account: w.c}); err != nil {
						t.Fatal(err)
					}
					tc.setup(t, db, raw)
					before := need(db.TableCounts(ctx))(t)
					err := db.Load(ctx, dirA, tablesA, storage.LoadOptions{Account: w.a})
					if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), tc.want) {
						t.Fatalf("got %v\nwant a conflict saying %q", err, tc.want)
					}
					if after := need(db.TableCounts(ctx))(t); !maps.Equal(after, before) {
						t.Errorf("a refused restore changed the database:\nbefore %v\nafter  %v", before, after)
					}
				})
			}
		})
	}
}

// TestLoadRefusesBadDumps loads damaged dumps: each is refused with the
// file, line and column at fault, and the target keeps nothing of it.
func TestLoadRefusesBadDumps(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db, _ := storagetest.OpenWithRaw(t, e)
			ctx := context.Background()
			svc := newSvc(t, db)
			a, u, err := svc.CreateAccount(access.AsSystem(ctx), service.NewAccount{Account: account.New("Source"), OwnerEmail: "source@example.fr",
				OwnerPassword: "pass1234word", OwnerVerified: true})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 5 {
				need(svc.CreateContact(actor(a.ID, u.ID), crm.Input{Kind: ptr(crm.Person), LastName: ptr(fmt.Sprintf("Contact %d", i))}))(t)
			}
			src := t.TempDir()
			tables := need(db.Dump(ctx, src, storage.DumpOptions{}))(t)
			version := need(db.SchemaVersion(ctx))(t)

			// edit copies the dump, lets change alter its files and list.
			type edit func(t *testing.T, dir string, tables []storage.DumpTable) []storage.DumpTable
			setLine := func(table string, n int, line string) edit {
				return func(t *testing.T, dir string, tables []storage.DumpTable) []storage.DumpTable {
					path := filepath.Join(dir, table+".jsonl")
					lines := strings.Split(strings.TrimSuffix(string(need(os.ReadFile(path))(t)), "\n"), "\n")
					if n > len(lines) {
						t.Fatalf("%s has %d lines", table, len(lines))
					}
					lines[n-1] = line
					if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
						t.Fatal(err)
					}
					return tables
				}
			}
			contactsAt := slices.IndexFunc(tables, func(t storage.DumpTable) bool { return t.Name == "contacts" })
			lineWith := func(col, value string) string {
				// contacts' line 3 with one value changed
				lines := strings.Split(string(need(os.ReadFile(filepath.Join(src, "contacts.jsonl")))(t)), "\n")
				var vals []json.RawMessage
				if err := json.Unmarshal([]byte(lines[2]), &vals); err != nil {
					t.Fatal(err)
				}
				for i, c := range tables[contactsAt].Columns {
					if c.Name == col {
						vals[i] = json.RawMessage(value)
					}
				}
				return string(need(json.Marshal(vals))(t))
			}
			cases := []struct {
				name string
				edit edit
				want string
			}{
				{"a broken line", setLine("contacts", 3, `[1, "person", `), "contacts.jsonl, line 3: not a JSON array of values"},
				{"a value too few", setLine("contacts", 3, "[1]"), fmt.Sprintf("contacts.jsonl, line 3: 1 values where the dump's list of columns has %d", len(tables[contactsAt].Columns))},
				{"a text for an integer", setLine("contacts", 3, lineWith("id", `"trois"`)), `contacts.jsonl, line 3, column id: a string where an integer is expected`},
				{"a number for a text", setLine("contacts", 3, lineWith("last_name", `12`)), `contacts.jsonl, line 3, column last_name: a number where a text is expected`},
				{"a bad time", setLine("contacts", 3, lineWith("created_at", `"hier"`)), `contacts.jsonl, line 3, column created_at: "hier" is not an RFC 3339 time`},
				{"a fraction for an integer", setLine("contacts", 3, lineWith("id", `3.5`)), `contacts.jsonl, line 3, column id: 3.5 is not a 64-bit integer`},
				{"a row the schema refuses", setLine("contacts", 3, lineWith("kind", `null`)), "contacts.jsonl, line 3: the database refused it"},
				{"a line missing", func(t *testing.T, dir string, tables []storage.DumpTable) []storage.DumpTable {
					tables[contactsAt].Rows++
					return tables
				}, "contacts.jsonl holds 5 rows but the dump's list says 6"},
				{"an unknown column", func(t *testing.T, dir string, tables []storage.DumpTable) []storage.DumpTable {
					tables[contactsAt].Columns = append(slices.Clone(tables[contactsAt].Columns), storage.DumpColumn{Name: "shoe_size", Type: "integer"})
					return tables
				}, "contacts: the dump has a column shoe_size that this database's table has not"},
				{"an unknown type", func(t *testing.T, dir string, tables []storage.DumpTable) []storage.DumpTable {
					cols := slices.Clone(tables[contactsAt].Columns)
					cols[0].Type = "uuid"
					tables[contactsAt].Columns = cols
					return tables
				}, "contacts.id: the dump's uuid values cannot go into a integer column"},
				{"an unknown table", func(t *testing.T, dir string, tables []storage.DumpTable) []storage.DumpTable {
					return append(tables, storage.DumpTable{Name: "shoes", Columns: []storage.DumpColumn{{Name: "id", Type: "integer"}}})
				}, "the dump has a table shoes that this database's schema has not"},
				{"a table name that is a path", func(t *testing.T, dir string, tables []storage.DumpTable) []storage.DumpTable {
					return append(tables, storage.DumpTable{Name: "../contacts", Columns: []storage.DumpColumn{{Name: "id", Type: "integer"}}})
				}, `the dump names a table "../contacts", not a table name`},
				{"a file missing", func(t *testing.T, dir string, tables []storage.DumpTable) []storage.DumpTable {
					if err := os.Remove(filepath.Join(dir, "contacts.jsonl")); err != nil {
						t.Fatal(err)
					}
					return tables
				}, "the dump lists table contacts but has no file contacts.jsonl"},
			}
			for _, to := range storagetest.Engines() {
				// One target for every case: each must leave it empty.
				target, _ := openAt(t, to, version)
				for _, tc := range cases {
					t.Run(to.Name+"/"+tc.name, func(t *testing.T) {
						dir := t.TempDir()
						for _, dt := range tables {
							data := need(os.ReadFile(filepath.Join(src, dt.Name+".jsonl")))(t)
							if err := os.WriteFile(filepath.Join(dir, dt.Name+".jsonl"), data, 0o600); err != nil {
								t.Fatal(err)
							}
						}
						list := tc.edit(t, dir, slices.Clone(tables))
						err := target.Load(ctx, dir, list, storage.LoadOptions{})
						if err == nil || !strings.Contains(err.Error(), tc.want) {
							t.Fatalf("got %v\nwant an error saying %q", err, tc.want)
						}
						for table, n := range need(target.TableCounts(ctx))(t) {
							if n != 0 {
								t.Errorf("a refused load left %d rows in %s", n, table)
							}
						}
					})
				}
			}
		})
	}
}

// TestLoadJoinsTransaction loads inside a transaction of the caller's: it
// commits or rolls back with it.
func TestLoadJoinsTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		svc := newSvc(t, db)
		a, u, err := svc.CreateAccount(access.AsSystem(ctx), service.NewAccount{Account: account.New("Source"), OwnerEmail: "source@example.fr",
			OwnerPassword: "pass1234word", OwnerVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			need(svc.CreateContact(actor(a.ID, u.ID), crm.Input{Kind: ptr(crm.Person), LastName: ptr(fmt.Sprintf("Contact %d", i))}))(t)
		}
		dir := t.TempDir()
		tables := need(db.Dump(ctx, dir, storage.DumpOptions{Account: a.ID}))(t)
		version := need(db.SchemaVersion(ctx))(t)
		for _, e := range storagetest.Engines() {
			if string(db.Engine()) != e.Name {
				continue
			}
			target, _ := openAt(t, e, version)
			stop := fmt.Errorf("changed my mind")
			err := target.WithTx(ctx, func(ctx context.Context) error {
				if err := target.Load(ctx, dir, tables, storage.LoadOptions{Account: a.ID}); err != nil {
					return err
				}
				return stop
			})
			if err != stop {
				t.Fatalf("the transaction ended with %v", err)
			}
			if n := need(target.TableCounts(ctx))(t)["contacts"]; n != 0 {
				t.Fatalf("a rolled back load left %d contacts", n)
			}
			if err := target.WithTx(ctx, func(ctx context.Context) error {
				return target.Load(ctx, dir, tables, storage.LoadOptions{Account: a.ID})
			}); err != nil {
				t.Fatal(err)
			}
			if n := need(target.TableCounts(ctx))(t)["contacts"]; n != 3 {
				t.Fatalf("%d contacts loaded, want 3", n)
			}
		}
	})
}

// TestLoadRefusesNonEmptyTarget refuses to load an instance over accounts.
func TestLoadRefusesNonEmptyTarget(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		svc := newSvc(t, db)
		if _, _, err := svc.CreateAccount(access.AsSystem(ctx), service.NewAccount{Account: account.New("Déjà là"), OwnerEmail: "deja@example.fr",
			OwnerPassword: "pass1234word", OwnerVerified: true}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		tables := need(db.Dump(ctx, dir, storage.DumpOptions{}))(t)
		err := db.Load(ctx, dir, tables, storage.LoadOptions{})
		if want := "the target database is not empty: 1 account, 1 user; restore into an empty one"; !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want a conflict saying %q", err, want)
		}
	})
}

// TestDumpClassifiesEveryTable fails when a table of the live schema is not
// classified: every table is in an instance dump; an account dump holds
// each table with an account_id column, accounts and users, and leaves out
// only those AccountDumpOmitted names, each with its reason.
func TestDumpClassifiesEveryTable(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		svc := newSvc(t, db)
		a, _, err := svc.CreateAccount(access.AsSystem(ctx), service.NewAccount{Account: account.New("Classement"), OwnerEmail: "classe@example.fr",
			OwnerPassword: "pass1234word", OwnerVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		live := slices.Sorted(maps.Keys(need(db.TableCounts(ctx))(t)))
		if len(live) < 40 {
			t.Fatalf("only %d tables: %v", len(live), live)
		}
		for _, name := range live {
			if slices.Contains(privacy.Internal, name) {
				t.Errorf("TableCounts counts %s, an internal table", name)
			}
		}
		instance := names(need(db.Dump(ctx, t.TempDir(), storage.DumpOptions{}))(t))
		if got := slices.Sorted(slices.Values(instance)); !slices.Equal(got, live) {
			t.Errorf("an instance dump holds %v,\nthe live schema has %v", got, live)
		}
		accountTables, err := db.Dump(ctx, t.TempDir(), storage.DumpOptions{Account: a.ID})
		if err != nil {
			t.Fatalf("an account dump: %v", err)
		}
		if _, err := db.Dump(ctx, t.TempDir(), storage.DumpOptions{Account: a.ID + 1000}); !errs.Is(err, errs.NotFound) ||
			!strings.Contains(err.Error(), fmt.Sprintf("account %d does not exist in this instance", a.ID+1000)) {
			t.Errorf("dumping an unknown account: %v", err)
		}
		perAccount := names(accountTables)
		withAccountID := need(db.AccountRows(account.WithID(ctx, a.ID)))(t)
		for _, name := range live {
			_, omitted := storage.AccountDumpOmitted[name]
			_, scoped := withAccountID[name]
			dumped := slices.Contains(perAccount, name)
			switch {
			case omitted && dumped:
				t.Errorf("%s is both left out of account dumps and in one", name)
			case !omitted && !dumped:
				t.Errorf("%s is neither in an account dump nor in storage.AccountDumpOmitted", name)
			case dumped && !scoped && name != "users":
				t.Errorf("%s is in an account dump without an account_id column", name)
			}
		}
		for name, why := range storage.AccountDumpOmitted {
			if !slices.Contains(live, name) {
				t.Errorf("storage.AccountDumpOmitted names %s, which the schema has not", name)
			}
			if len(why) < 20 {
				t.Errorf("storage.AccountDumpOmitted: say why %s is left out", name)
			}
		}
	})
}

// TestMigrateTo brings an empty database to a given version, and refuses a
// version this build does not know.
func TestMigrateTo(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db, _ := openEmpty(t, e)
			ctx := context.Background()
			if err := db.MigrateTo(ctx, 10, nil); err != nil {
				t.Fatal(err)
			}
			if v := need(db.SchemaVersion(ctx))(t); v != 10 {
				t.Fatalf("version %d after MigrateTo(10)", v)
			}
			if err := db.MigrateTo(ctx, 9999, nil); err == nil || !strings.Contains(err.Error(), "knows migrations up to") {
				t.Errorf("MigrateTo(9999): %v", err)
			}
			if err := db.MigrateTo(ctx, 5, nil); err == nil || !strings.Contains(err.Error(), "at version 10 already") {
				t.Errorf("MigrateTo(5) at 10: %v", err)
			}
			if v := need(db.SchemaVersion(ctx))(t); v != 10 {
				t.Fatalf("version %d after refused migrations", v)
			}
		})
	}
}

// peakHeap samples the heap in use until the function it returns is
// called, which returns the highest sample in MB.
func peakHeap() func() float64 {
	runtime.GC()
	done := make(chan float64)
	stop := make(chan struct{})
	go func() {
		var peak uint64
		var m runtime.MemStats
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				done <- float64(peak) / 1e6
				return
			case <-tick.C:
			}
		}
	}()
	return func() float64 {
		close(stop)
		return <-done
	}
}

// BenchmarkDumpLoad measures a dump and a load of an instance of 50,000
// contacts (imported as a spreadsheet would be) with 5,000 invoices of
// three lines each, on each engine. One iteration is enough for the
// figures: go test -run '^$' -bench DumpLoad -benchtime 1x ./storage/
func BenchmarkDumpLoad(b *testing.B) {
	const contacts, documents = 50_000, 5_000
	for _, e := range storagetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			t0 := time.Now()
			db := storagetest.Open(b, e)
			svc := newSvc(b, db)
			ctx := context.Background()
			a, u, err := svc.CreateAccount(access.AsSystem(ctx), service.NewAccount{Account: account.New("Volume"), OwnerEmail: "volume@example.fr",
				OwnerPassword: "pass1234word", OwnerVerified: true})
			if err != nil {
				b.Fatal(err)
			}
			actx := actor(a.ID, u.ID)
			var csv bytes.Buffer
			if err := demo.WriteContacts(&csv, 1, contacts); err != nil {
				b.Fatal(err)
			}
			rep, err := svc.ImportContacts(actx, &csv, service.ImportOptions{SkipBad: true})
			if err != nil || len(rep.Errors) > 0 {
				b.Fatalf("import: %v %v", err, rep.Errors)
			}
			list := need(db.ListContacts(account.WithID(ctx, a.ID), crm.Filter{Limit: documents}))(b)
			lines := []sales.Line{
				{Kind: sales.Item, Description: "Café en grains", Quantity: 2000, UnitPrice: 2490, VATRate: 550, Unit: "kg"},
				{Kind: sales.Item, Description: "Huile d'olive", Quantity: 1000, UnitPrice: 1650, VATRate: 550, Unit: "l"},
				{Kind: sales.Item, Description: "Livraison", Quantity: 1000, UnitPrice: 1200, VATRate: 2000, Unit: "flat"},
			}
			for _, c := range list {
				if _, err := svc.CreateDocument(actx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Lines: &lines}); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: built %d contacts and %d documents in %v", e.Name, contacts, len(list), time.Since(t0).Round(time.Millisecond))
			version := need(db.SchemaVersion(ctx))(b)
			for b.Loop() {
				dir := b.TempDir()
				start := time.Now()
				heap := peakHeap()
				tables, err := db.Dump(ctx, dir, storage.DumpOptions{})
				if err != nil {
					b.Fatal(err)
				}
				dumped, dumpHeap := time.Since(start), heap()
				var rowsN, size int64
				for _, t := range tables {
					rowsN += t.Rows
					st, _ := os.Stat(filepath.Join(dir, t.Name+".jsonl"))
					size += st.Size()
				}
				for _, to := range storagetest.Engines() {
					opts := to.Options(b)
					tdb, err := storage.Open(ctx, opts)
					if err != nil {
						b.Fatal(err)
					}
					if err := tdb.MigrateTo(ctx, version, nil); err != nil {
						b.Fatal(err)
					}
					start = time.Now()
					heap := peakHeap()
					if err := tdb.Load(ctx, dir, tables, storage.LoadOptions{}); err != nil {
						b.Fatal(err)
					}
					b.Logf("%s: dump of %d rows (%.1f MB) in %v, heap at most %.0f MB; load into %s in %v, heap at most %.0f MB",
						e.Name, rowsN, float64(size)/1e6, dumped.Round(time.Millisecond), dumpHeap,
						to.Name, time.Since(start).Round(time.Millisecond), heap())
					_ = tdb.Close()
				}
			}
		})
	}
}
