package service_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// closureFixture is an account with something of everything: an issued
// and partly paid invoice and a recorded supplier's bill with its PDF
// (both under a legal hold), a draft, a quote, a supplier's quote with a
// scan, a product, a note on the client's timeline, an API token.
type closureFixture struct {
	ctx      context.Context
	acc      account.Account
	invoice  sales.Document
	bill     sales.Document
	draft    sales.Document
	quote    sales.Document
	billPDF  []byte
	scan     []byte
	client   crm.Contact
	supplier crm.Contact
	token    string
}

// minimalPDF is a small valid PDF, as a supplier's scanned bill.
func minimalPDF(text string) []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
		"% " + text + "\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

func newClosureFixture(t *testing.T, s *service.Service, db *storage.DB, name, email string) closureFixture {
	t.Helper()
	var f closureFixture
	f.ctx, f.acc = mustCreate(t, s, name, email)
	ctx := f.ctx
	at(db, "2026-03-02")
	f.client = sellerReady(t, s, ctx)
	f.supplier = supplier(t, s, ctx)
	f.invoice = issueInvoice(t, s, ctx, f.client.ID)
	if _, err := s.RecordPayment(ctx, service.PaymentInput{ContactID: f.client.ID, DocumentID: f.invoice.ID, Date: "2026-03-02",
		Amount: 20000, Method: "transfer"}); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.draft, err = s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &f.client.ID,
		Lines: lines(item("Brouillon", 1000, 100, 2000))}); err != nil {
		t.Fatal(err)
	}
	if f.quote, err = s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Quote), ContactID: &f.client.ID,
		Lines: lines(item("Devis =SUM(A1)", 1000, 100, 2000))}); err != nil {
		t.Fatal(err)
	}
	if f.quote, err = s.Issue(ctx, f.quote.ID); err != nil {
		t.Fatal(err)
	}
	if f.bill, err = s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Bill), ContactID: &f.supplier.ID, SupplierNumber: ptr("FAC-118"),
		IssueDate: ptr("2026-03-01"), Lines: lines(item("Farine", 1000, 5000, 550))}); err != nil {
		t.Fatal(err)
	}
	if f.bill, err = s.Issue(ctx, f.bill.ID); err != nil {
		t.Fatal(err)
	}
	f.billPDF = minimalPDF("bill " + name)
	if _, err := s.AttachFile(ctx, f.bill.ID, "facture.pdf", bytes.NewReader(f.billPDF)); err != nil {
		t.Fatal(err)
	}
	sq, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.SupplierQuote), ContactID: &f.supplier.ID,
		Lines: lines(item("Farine", 1000, 4900, 550))})
	if err != nil {
		t.Fatal(err)
	}
	f.scan = minimalPDF("quote scan " + name)
	if _, err := s.AttachFile(ctx, sq.ID, "devis.pdf", bytes.NewReader(f.scan)); err != nil {
		t.Fatal(err)
	}
	price := money.Amount(1200)
	if _, err := s.CreateProduct(ctx, catalog.Input{Reference: ptr("CAF-1"), Name: ptr("Café"), Unit: ptr("kg"), Price: &price}); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if _, err := s.AddConversation(ctx, f.client.ID, crm.ConversationInput{Kind: ptr("call"), Subject: ptr("Appel"), At: &when}); err != nil {
		t.Fatal(err)
	}
	if f.token, err = s.CreateAPIToken(context.Background(), email, f.acc.ID, "ci"); err != nil {
		t.Fatal(err)
	}
	return f
}

// readZip opens an export and returns its files by name.
func readZip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// TestExportAccount reads an export back: every CSV parses with its header,
// every JSON file is an array of as many objects, the PDFs are valid and
// printed, the attachments are the bytes uploaded, nothing secret is in
// it, a formula is defused, and only the owner may export.
func TestExportAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		f := newClosureFixture(t, s, db, "Atelier", "owner@atelier.example")
		other := newClosureFixture(t, s, db, "Voisin", "owner@voisin.example")
		var buf bytes.Buffer
		stats, err := s.ExportAccount(f.ctx, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Bytes != int64(buf.Len()) || stats.PDFs != 3 || stats.Attachments != 2 {
			t.Fatalf("stats %+v (zip %d bytes)", stats, buf.Len())
		}
		zf := readZip(t, buf.Bytes())
		for _, want := range []string{"README.txt", "manifest.json", "csv/contacts.csv", "json/contacts.json", "csv/members.csv",
			"csv/documents.csv", "csv/document_lines.csv", "csv/payments.csv", "csv/payment_allocations.csv", "csv/activity.csv",
			"csv/mail_log.csv", "csv/account.csv", "csv/products.csv", "csv/conversations.csv", "csv/breaches.csv"} {
			if _, ok := zf[want]; !ok {
				t.Errorf("no %s in the export", want)
			}
		}
		for name, data := range zf {
			switch {
			case strings.HasPrefix(name, "csv/"):
				rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
				if err != nil || len(rows) == 0 {
					t.Fatalf("%s: %v", name, err)
				}
				entity := strings.TrimSuffix(strings.TrimPrefix(name, "csv/"), ".csv")
				var items []map[string]any
				if err := json.Unmarshal(zf["json/"+entity+".json"], &items); err != nil {
					t.Fatalf("json/%s.json: %v", entity, err)
				}
				if len(items) != len(rows)-1 || stats.Counts[entity] != len(items) {
					t.Errorf("%s: %d CSV rows, %d JSON items, counted %d", entity, len(rows)-1, len(items), stats.Counts[entity])
				}
			case strings.HasPrefix(name, "pdf/"):
				if txt := pdftest.Text(t, data); !strings.Contains(txt, "Atelier") {
					t.Errorf("%s does not print the seller: %q", name, txt)
				}
			}
		}
		contacts, _ := csv.NewReader(bytes.NewReader(zf["csv/contacts.csv"])).ReadAll()
		if len(contacts) != 3 || !strings.Contains(string(zf["csv/contacts.csv"]), "Durand SARL") {
			t.Errorf("contacts.csv: %q", contacts)
		}
		if !strings.Contains(string(zf["csv/document_lines.csv"]), "'=SUM(A1)") && !strings.Contains(string(zf["csv/document_lines.csv"]), "Devis =SUM(A1)") {
			t.Errorf("document_lines.csv lacks the quote's line")
		}
		if _, ok := zf["pdf/"+f.invoice.Number+".pdf"]; !ok {
			t.Errorf("no PDF of the invoice %s: %v", f.invoice.Number, keys(zf))
		}
		var attached [][]byte
		for name, data := range zf {
			if strings.HasPrefix(name, "attachments/") {
				attached = append(attached, data)
			}
		}
		has := func(want []byte) bool {
			for _, a := range attached {
				if bytes.Equal(a, want) {
					return true
				}
			}
			return false
		}
		if len(attached) != 2 || !has(f.billPDF) || !has(f.scan) {
			t.Errorf("attachments differ from the uploads")
		}
		// Nothing secret, nothing of the other account.
		u, err := db.UserByEmail(context.Background(), "owner@atelier.example")
		if err != nil {
			t.Fatal(err)
		}
		tokenHash := identity.HashToken(f.token)
		for name, data := range zf {
			for _, secret := range []string{u.PasswordHash, tokenHash, "password_hash", "token_hash", "code_hash", "totp_secret", "Voisin", "owner@voisin.example"} {
				if bytes.Contains(data, []byte(secret)) {
					t.Errorf("%s contains %q", name, secret)
				}
			}
		}
		// The export is in the log; another role may not export.
		log, _ := s.Activity(f.ctx, activity.Filter{Limit: 5})
		if log[0].Action != "export" || log[0].RecordType != "account" {
			t.Errorf("activity: %+v", log[0])
		}
		manager, _ := access.Builtin(access.RoleManager)
		if _, err := s.ExportAccount(access.WithRights(f.ctx, manager), io.Discard); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a manager exported the account: %v", err)
		}
		// The export is one snapshot: a contact created while it streams is
		// not in it, and the contacts in CSV and JSON agree.
		buf.Reset()
		w := &writeOnce{w: &buf, first: func() {
			if _, err := s.CreateContact(f.ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Pendant")}); err != nil {
				t.Error(err)
			}
		}}
		if _, err := s.ExportAccount(f.ctx, w); err != nil {
			t.Fatal(err)
		}
		during := readZip(t, buf.Bytes())
		if bytes.Contains(during["csv/contacts.csv"], []byte("Pendant")) || bytes.Contains(during["json/contacts.json"], []byte("Pendant")) ||
			bytes.Contains(during["csv/activity.csv"], []byte("Pendant")) || bytes.Contains(during["json/activity.json"], []byte("Pendant")) {
			t.Error("a contact created during the export is in it")
		}
		// A file missing on the server is said in the README; the rest goes out.
		sum := sha256.Sum256(f.scan)
		hexsum := hex.EncodeToString(sum[:])
		if err := os.Remove(filepath.Join(s.Files.Dir, strconv.FormatInt(f.acc.ID, 10), hexsum[:2], hexsum)); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		st, err := s.ExportAccount(f.ctx, &buf)
		if err != nil || st.Attachments != 1 {
			t.Fatalf("export with a file missing: %+v %v", st, err)
		}
		if readme := readZip(t, buf.Bytes())["README.txt"]; !bytes.Contains(readme, []byte("could not be read")) || !bytes.Contains(readme, []byte("devis.pdf")) {
			t.Errorf("README: %s", readme)
		}
		// The other account's export has its own data only.
		buf.Reset()
		if _, err := s.ExportAccount(other.ctx, &buf); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(buf.Bytes(), []byte("owner@atelier.example")) {
			t.Error("the other account's export names the first account's owner")
		}
	})
}

// writeOnce calls first before the first write goes through.
type writeOnce struct {
	w     io.Writer
	first func()
	done  bool
}

func (o *writeOnce) Write(p []byte) (int, error) {
	if !o.done {
		o.done = true
		o.first()
	}
	return o.w.Write(p)
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

var closureCode = regexp.MustCompile(`\b\d{8}\b`)

// askClosure requests the closure and reads the code from the e-mail.
func askClosure(t *testing.T, s *service.Service, srv *mailtest.Server, ctx context.Context, email string) string {
	t.Helper()
	if err := s.RequestAccountClosure(ctx); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, email)
	code := closureCode.FindString(m.Subject)
	if code == "" || !strings.Contains(m.Text, "https://comptoir.example.fr/privacy/account") {
		t.Fatalf("closure mail: %+v", m)
	}
	return code
}

func wrongCode(code string) string {
	if code == "00000000" {
		return "11111111"
	}
	return "00000000"
}

// TestAccountClosure: a wrong code, an expired code, too many attempts;
// the right code closes the account (sessions and tokens refused), the
// owner reopens it and closes it again; then the grace period and the
// legal hold decide what the daily purge deletes, the day before, of and
// after each; another account is untouched.
func TestAccountClosure(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		const email = "owner@atelier.example"
		f := newClosureFixture(t, s, db, "Atelier", email)
		other := newClosureFixture(t, s, db, "Voisin", "owner@voisin.example")
		ctx := f.ctx

		// Only the owner may close.
		manager, _ := access.Builtin(access.RoleManager)
		if err := s.RequestAccountClosure(access.WithRights(ctx, manager)); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a manager asked to close: %v", err)
		}
		if _, err := s.ConfirmAccountClosure(ctx, "12345678"); errs.FieldsOf(err) == nil {
			t.Fatalf("a code never sent: %v", err)
		}

		// A code that cannot be e-mailed says so.
		srv.Reject = true
		if err := s.RequestAccountClosure(ctx); !errs.Is(err, errs.Unavailable) {
			t.Fatalf("SMTP refused: %v", err)
		}
		srv.Reject = false
		// A code expires after 15 minutes.
		at(db, "2026-03-05")
		code := askClosure(t, s, srv, ctx, email)
		later := time.Date(2026, 3, 5, 10, 16, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return later })
		if _, err := s.ConfirmAccountClosure(ctx, code); errs.FieldsOf(err) == nil || errs.FieldsOf(err)[0].Code != "bad_closure_code" {
			t.Fatalf("expired code: %v", err)
		}
		// Five wrong codes void the request.
		code = askClosure(t, s, srv, ctx, email)
		for i := 0; i < service.ClosureMaxAttempts; i++ {
			if _, err := s.ConfirmAccountClosure(ctx, wrongCode(code)); errs.FieldsOf(err) == nil {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		if _, err := s.ConfirmAccountClosure(ctx, code); errs.FieldsOf(err) == nil {
			t.Fatal("the right code after five wrong ones closed the account")
		}
		if c, _ := s.AccountClosure(ctx); c.Closing || c.Held != 2 {
			t.Fatalf("after refused codes: %+v", c)
		}

		// The right code closes; the account shows when.
		code = askClosure(t, s, srv, ctx, email)
		closesAt, err := s.ConfirmAccountClosure(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if want := later.AddDate(0, 0, 30); !closesAt.Equal(want) {
			t.Fatalf("closes at %v, want %v", closesAt, want)
		}
		m := srv.WaitFor(t, email)
		if !strings.Contains(m.Subject, "04/04/2026") || !strings.Contains(m.Text, "/privacy/account") {
			t.Fatalf("closing mail: %s\n%s", m.Subject, m.Text)
		}
		if c, _ := s.AccountClosure(ctx); !c.Closing || c.ClosesAt == nil || !c.ClosesAt.Equal(closesAt) {
			t.Fatalf("closure %+v", c)
		}
		if _, err := s.ConfirmAccountClosure(ctx, code); !errs.Is(err, errs.Conflict) {
			t.Fatalf("closed twice: %v", err)
		}
		// Reopen: one click, logged, e-mailed.
		if err := s.ReopenAccount(ctx); err != nil {
			t.Fatal(err)
		}
		if m := srv.WaitFor(t, email); !strings.Contains(m.Subject, "rouvert") {
			t.Fatalf("reopened mail: %s", m.Subject)
		}
		if err := s.ReopenAccount(ctx); !errs.Is(err, errs.Conflict) {
			t.Fatalf("reopened an open account: %v", err)
		}
		log, _ := s.Activity(ctx, activity.Filter{Limit: 3})
		if log[0].Action != "reopen" || log[1].Action != "close" || log[2].Action != "close_requested" {
			t.Fatalf("activity: %s %s %s", log[0].Action, log[1].Action, log[2].Action)
		}
		// The other account's owner is also an accountant here: closing this
		// account must not take their login.
		neighbour, err := db.UserByEmail(context.Background(), "owner@voisin.example")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(ctx, neighbour.ID, access.RoleAccountant); err != nil {
			t.Fatal(err)
		}
		// Close again, for good.
		session, _, err := s.Login(context.Background(), email, "pass1234word", 0)
		if err != nil {
			t.Fatal(err)
		}
		code = askClosure(t, s, srv, ctx, email)
		if closesAt, err = s.ConfirmAccountClosure(ctx, code); err != nil {
			t.Fatal(err)
		}
		srv.WaitFor(t, email)
		if _, _, err := s.Authenticate(context.Background(), session); err != nil {
			t.Fatalf("a closing account's session must stay (its members see the closure page): %v", err)
		}

		sys := access.AsSystem(context.Background())
		countDocs := func(ctx context.Context) int {
			t.Helper()
			id, _ := account.IDFrom(ctx)
			n := 0
			for _, k := range []string{sales.Invoice, sales.Quote, sales.Bill, sales.SupplierQuote} {
				list, err := s.Documents(access.AsSystem(account.WithID(context.Background(), id)), sales.Filter{Kinds: []string{k}, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				n += len(list)
			}
			return n
		}
		before := countDocs(other.ctx)
		// The day before the end of the grace period: nothing happens.
		for _, day := range []time.Time{closesAt.Add(-24 * time.Hour), closesAt.Add(-time.Second)} {
			rep, err := s.PurgeClosedAccounts(sys, day)
			if err != nil || rep.Closed != 0 {
				t.Fatalf("purge on %v: %+v %v", day, rep, err)
			}
		}
		if _, err := s.Account(ctx); err != nil {
			t.Fatal(err)
		}
		// Its end: everything goes but the invoice and the bill.
		db.SetClock(func() time.Time { return closesAt })
		rep, err := s.PurgeClosedAccounts(sys, closesAt)
		if err != nil || rep.Closed != 1 || rep.Held != 2 || rep.Deleted != 0 || rep.Files != 1 {
			t.Fatalf("purge at the end of the grace period: %+v %v", rep, err)
		}
		if m := srv.WaitFor(t, email); !strings.Contains(m.Text, "2 pièces") {
			t.Fatalf("deleted mail: %s\n%s", m.Subject, m.Text)
		}
		a, err := s.Account(ctx)
		if err != nil || a.Status != account.StatusClosed || a.ClosedAt == nil {
			t.Fatalf("account after purge: %+v %v", a, err)
		}
		if _, _, err := s.Authenticate(context.Background(), session); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("a session survived the purge: %v", err)
		}
		if _, _, err := s.AuthenticateToken(context.Background(), f.token); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("a token survived the purge: %v", err)
		}
		if _, err := db.UserByEmail(context.Background(), email); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the owner's login survived: %v", err)
		}
		arch := access.AsSystem(account.WithID(context.Background(), f.acc.ID)) // the operator, on the server
		if n := countDocs(ctx); n != 2 {
			t.Fatalf("%d documents left, want the invoice and the bill", n)
		}
		inv, err := s.Document(arch, f.invoice.ID)
		if err != nil || inv.Paid != 20000 {
			t.Fatalf("held invoice: %+v %v", inv.Document, err)
		}
		if _, err := s.Document(arch, f.quote.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the quote survived: %v", err)
		}
		if _, data, err := s.OpenAttachment(arch, f.bill.ID, 1); err == nil && !bytes.Equal(data, f.billPDF) {
			t.Fatal("the bill's file changed")
		}
		var buf bytes.Buffer
		if _, err := s.ExportAccount(arch, &buf); err != nil {
			t.Fatalf("the operator's export of the archive: %v", err)
		}
		zf := readZip(t, buf.Bytes())
		for name, want := range map[string]int{"contacts": 2, "documents": 2, "payments": 1, "products": 0, "conversations": 0, "members": 0} {
			var items []any
			if err := json.Unmarshal(zf["json/"+name+".json"], &items); err != nil || len(items) != want {
				t.Errorf("archive %s: %d items, want %d (%v)", name, len(items), want, err)
			}
		}
		if bytes.Contains(zf["csv/contacts.csv"], []byte("compta@durand.example")) {
			t.Error("the archive keeps the client's e-mail")
		}
		// The other account is untouched.
		if n := countDocs(other.ctx); n != before {
			t.Fatalf("the other account lost documents: %d, had %d", n, before)
		}
		if _, _, err := s.AuthenticateToken(context.Background(), other.token); err != nil {
			t.Fatalf("the other account's token: %v", err)
		}
		if _, _, err := s.Login(context.Background(), "owner@voisin.example", "pass1234word", 0); err != nil {
			t.Fatalf("a member of both accounts lost their login: %v", err)
		}
		if ms, err := db.Memberships(context.Background(), neighbour.ID); err != nil || len(ms) != 1 || ms[0].AccountID != other.acc.ID {
			t.Fatalf("memberships left: %+v %v", ms, err)
		}

		// The legal hold: the invoice is dated 2026-03-02, the bill 2026-03-01.
		billEnd := privacy.HoldUntil(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
		invEnd := privacy.HoldUntil(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
		if rep, err := s.PurgeClosedAccounts(sys, billEnd.Add(-time.Hour)); err != nil || rep.Held != 2 {
			t.Fatalf("the day before the bill's hold ends: %+v %v", rep, err)
		}
		if rep, err := s.PurgeClosedAccounts(sys, billEnd); err != nil || rep.Held != 1 || rep.Files != 1 {
			t.Fatalf("the day the bill's hold ends: %+v %v", rep, err)
		}
		dir := filepath.Join(s.Files.Dir, strconv.FormatInt(f.acc.ID, 10))
		if rep, err := s.PurgeClosedAccounts(sys, invEnd); err != nil || rep.Deleted != 1 {
			t.Fatalf("the day the invoice's hold ends: %+v %v", rep, err)
		}
		if _, err := s.Account(ctx); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the account survived its last hold: %v", err)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("the account's files survived: %v", err)
		}
		if rep, err := s.PurgeClosedAccounts(sys, invEnd.AddDate(0, 0, 1)); err != nil || rep.Closed+rep.Deleted != 0 {
			t.Fatalf("the day after: %+v %v", rep, err)
		}
		if n := countDocs(other.ctx); n != before {
			t.Fatalf("the other account lost documents: %d, had %d", n, before)
		}
		if _, err := s.PurgeClosedAccounts(ctx, invEnd); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a member ran the purge: %v", err)
		}
	})
}
