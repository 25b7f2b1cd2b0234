package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"sort"
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
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/password"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage/storagetest"
	"github.com/comptoir/comptoir/vat"
)

func newTestServer(t *testing.T) *Server {
	t.Helper()
	db := storagetest.Open(t, storagetest.Engines()[0])
	s, err := New(Options{Service: service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil))), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// untranslated matches a message id left in a rendered page.
var untranslated = regexp.MustCompile(`(?:^|[^.\w-])(nav|home|login|account|bank|form|notice|activity|error|errorpage|users|roles|explain|invitation|role|right|access|reset|me|signup|verify|totp|operator|support|contacts|conv|agenda|case|support_q|import|merge|cal|products|sales|purchases|unit)\.[a-z_]+(\.[a-z_]+)*\b`)

// TestEveryPageRendersInBothLanguages renders every page template with
// sample data in French and English: no template error and no message id
// left untranslated.
func TestEveryPageRendersInBothLanguages(t *testing.T) {
	s := newTestServer(t)
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	acc := account.New("Épicerie <b>Test</b>")
	acc.HasLogo = true
	bank := account.BankAccount{ID: 3, Label: "Courant", IBAN: "FR7630006000011234567890189", IsDefault: true}
	v := &viewer{User: identity.User{Email: "a@example.fr"}, Membership: identity.Membership{AccountName: acc.Name}, Account: acc}
	for _, lang := range []string{"fr", "en"} {
		p := Page{translator: s.translator(lang), Viewer: v, Account: &acc, Path: "/", Version: "test", assets: s.assets,
			loc: acc.Location(), Notice: "notice.saved"}
		errorsShown := fieldErrors(errs.Fields{{Field: "siren", Code: "invalid_siren"}, {Field: "iban", Code: "invalid_iban"}}.Err("test"))
		pages := map[string]any{
			"home":          &homePage{Page: owner(p), Modules: modules, Sales: sampleFigures()},
			"login":         &loginPage{Page: p, Email: "x@example.fr", Failed: true},
			"account":       &accountPage{Page: p, Form: acc, ShareCapital: "1 000,00", Errors: errorsShown, LegalForms: account.LegalForms},
			"bank_accounts": &bankAccountsPage{Page: p, Items: []account.BankAccount{bank}, Errors: errorsShown},
			"bank_account":  &bankAccountsPage{Page: p, Form: bank, History: []activity.Entry{{At: at, Module: "account", Action: "create", RecordType: "bank_account", IP: "192.0.2.1"}}},
			"activity": &activityPageData{Page: p, Next: 7, Modules: activityModules, Query: activityQuery{Day: "2026-11-25", RecordType: "account", RecordID: 1},
				Members: []identity.Member{{UserID: 1, Email: "a@example.fr"}},
				Verify:  &verifyResult{Break: &activity.Break{Seq: 3, EntryID: 9, Reason: "sequence_gap"}}, Days: []activityDay{{Day: p.longDate("2026-11-25", "Monday 2 January 2006"),
					Entries: []activity.Entry{{At: at, Module: "account", Action: "update", RecordType: "account", Summary: "x",
						Changes: []activity.Change{{Field: "name", Before: "a", After: "b"}}}}}}},
			"error":           &errorPage{Page: p, Status: 404, Kind: "not_found", RequestID: "abc"},
			"password_forgot": &passwordForgotPage{Page: p, Email: "x@example.fr"},
			"users": &usersPage{Page: p, Members: []identity.Member{{UserID: 1, Email: "a@example.fr", Role: "owner"}, {UserID: 2, Email: "b@example.fr", Role: "custom:3", DisabledAt: &at}},
				Invitations: []identity.Invitation{{ID: 1, Email: "c@example.fr", Role: "sales", ExpiresAt: at}},
				Roles:       []roleOption{{Key: "owner", Label: "role.owner"}, {Key: "custom:3", Label: "Stagiaire", Plain: true}}, Problem: "x", Errors: errorsShown},
			"roles":      &rolesPage{Page: p, Modules: access.Modules, Actions: access.Actions, Infos: access.Infos, Errors: errorsShown},
			"explain":    &explainPage{Page: p, Modules: access.Modules, Actions: access.Actions, Infos: access.Infos, Module: "contacts", Action: "view", Lines: []explainLine{{Email: "a@example.fr", Role: "Owner", Allowed: true, Why: "access.why.owner"}}},
			"invitation": &invitationPage{Page: p, Token: "t", Info: service.InvitationInfo{AccountName: "X", Invitation: identity.Invitation{Email: "a@example.fr"}}},
			"me": &mePage{Page: p, Current: "h1", NewToken: "cpt_x", Errors: errorsShown, Sessions: []identity.Session{{TokenHash: "h1", LastSeenAt: at}, {TokenHash: "h2", LastSeenAt: at}},
				Tokens: []identity.APIToken{{ID: 1, Name: "ci", Scope: "read", CreatedAt: at, LastUsedAt: &at, ExpiresAt: &at}}, Accounts: []identity.Membership{{AccountID: 1, AccountName: "A"}, {AccountID: 2, AccountName: "B"}}},
			"login_2fa":      &loginTOTPPage{Page: p, Errors: errorsShown},
			"totp_setup":     &totpSetupPage{Page: p, Setup: service.TOTPSetup{Secret: "S", QRCode: "data:image/png;base64,AA"}, Errors: errorsShown},
			"operator_login": &operatorLoginPage{Page: p, Failed: true},
			"operator":       &operatorPage{Page: p, Engine: "sqlite", Ready: true, Accounts: []account.Overview{{ID: 1, Name: "A", Members: 2, GrantID: 3, GrantRole: "accountant", GrantExpiresAt: at}, {ID: 2, Name: "B"}}},
			"contacts": &contactsPage{Page: p, Filter: contactQuery{Query: "x", City: "Pau"}, Next: "q=x&after=3", Errors: errorsShown, Items: []crm.Contact{{ID: 1, Kind: "person", FirstName: "Lou", IsClient: true, Tags: []string{"bio"}}},
				Views: []crm.SavedView{{ID: 1, Name: "Pau", Query: "city=Pau&q=x"}, {ID: 2, Name: "<b>Bio</b>", Query: "tag=bio"}}, ViewName: "x",
				ViewErrors: fieldErrors(errs.Fields{{Field: "name", Code: "too_long"}, {Field: "query", Code: "unknown_filter"}}.Err("t"))},
			"contact": &contactPage{Page: owner(p), Sales: &clientSales{Paused: true, CanPause: true, Documents: []salesRow{{Document: sampleDocument(at), Shown: sales.Overdue}, {Document: sales.Document{ID: 9, Kind: sales.Quote, Status: sales.Draft}, Shown: sales.Draft}}}, Civilities: crm.Civilities, SeesBank: true, SeesNotes: true, Errors: errorsShown, Form: crm.Contact{ID: 2, Kind: "company", CompanyName: "<b>X</b>", ConsentAt: &at, BecameClientAt: &at, ErasedAt: &at}, History: []activity.Entry{{At: at, Action: "create", RecordType: "contact"}}, Kinds: crm.ConversationKinds,
				ConversationErrors: errorsShown, Timeline: []crm.Conversation{{ID: 1, Kind: "task", Subject: "Rappeler", DueAt: &at, RemindAt: &at}, {ID: 2, Kind: "appointment", At: at, DurationMin: 30, Place: "Boutique"}}},
			"agenda": &agendaPage{Page: p, Days: 7, Items: []crm.Conversation{{ID: 1, Kind: "task", Subject: "x", ContactName: "Lou"}, {ID: 2, Kind: "appointment", At: at, DurationMin: 60}}},
			"calendar": &calendarPage{Page: p, CanAll: true, All: true, Label: "novembre 2026", Prev: "/calendar?month=2026-10", Next: "/calendar?month=2026-12", Here: "/calendar", MonthLink: "/calendar?week=2026-11-01",
				Weeks: [][]calendarDay{{{Date: at, InMonth: true, Today: true, Items: []crm.Conversation{{ID: 1, Kind: "task", Subject: "x", DueAt: &at, DoneAt: &at, ContactName: "Lou"}, {ID: 2, Kind: "appointment", At: at, ContactName: "Lou"}}}, {Date: at}, {Date: at}, {Date: at}, {Date: at}, {Date: at}, {Date: at}}}},
			"support": &supportPage{Page: p, Mine: true, Cases: []crm.Case{{ID: 1, Subject: "x", Status: "new", Priority: "urgent", OpenedAt: at, AssigneeName: "Lou"}, {ID: 2, Subject: "y", Status: "open", Priority: "low", OpenedAt: at}}},
			"case":    &casePage{Page: p, Case: crm.Case{ID: 1, Subject: "x", Status: "open", Priority: "low", OpenedAt: at, FirstAnswerAt: &at, SolvedAt: &at}, Statuses: crm.CaseStatuses, Priorities: crm.CasePriorities, Members: []identity.Member{{UserID: 1, Email: "a@example.fr"}, {UserID: 2, Name: "Lou"}}, Thread: []crm.Conversation{{Kind: "email", Body: "b", At: at}}},
			"contact_import": &contactImportPage{Page: p, Problem: "import.not_csv", Report: &service.ImportReport{Rows: 3, Created: 1, Encoding: "utf-8", Delimiter: ";", Unknown: []string{"x"}, Errors: []service.RowError{{Line: 2, Field: "email", Code: "invalid_email"}}},
				Upload: "ab", Columns: crm.Columns, Preview: &service.ImportPreview{Header: []string{"Nom", "Zzz"}, Fields: []string{"last_name", ""}, Rows: [][]string{{"Dupré", "1"}, {"Martin"}}}},
			"merge": &mergePage{Page: p, Keep: crm.Contact{ID: 1, Kind: "person", LastName: "A"}, Dup: crm.Contact{ID: 2, Kind: "person", LastName: "B"}, Fields: []mergeRow{{Name: "email", Label: "merge.field.email", Keep: "a@x.fr", Dup: "b@x.fr"}}},
			"products": &productsPage{Page: p, Filter: productQuery{Query: "caf", Active: "true"}, Next: "q=caf&after=3", Errors: errorsShown,
				Items: []catalog.Product{{ID: 1, Reference: "CAF-01", Name: "<b>Café</b>", Unit: "kg", Price: 2490, VATRate: 550, Active: true}, {ID: 2, Reference: "X", Name: "Y", Unit: "flat"}}},
			"product": &productPage{Page: p, Form: catalog.Product{ID: 1, Reference: "CAF-01", Name: "Café", Unit: "kg", Price: 2490, VATRate: 550, PurchasePrice: 1400, SoldByWeight: true},
				Price: "24,90", VATRate: "5.5", PurchasePrice: "14,00", Units: measure.Units, Rates: vat.FrenchRates, SeesAmounts: true, Errors: errorsShown,
				Suppliers:       []catalog.Supplier{{ProductID: 1, ContactID: 2, ContactName: "<b>Moulin</b>", Reference: "MO-1", Price: 1200}},
				CanSetSuppliers: true, SupplierChoices: []crm.Contact{{ID: 2, Kind: crm.Company, CompanyName: "Moulin"}},
				SupplierForm:   supplierForm{ContactID: 2, Reference: "MO-2", Price: "abc"},
				SupplierErrors: fieldErrors(errs.Fields{{Field: "contact_id", Code: "not_supplier"}, {Field: "price", Code: "not_a_number"}}.Err("t")),
				History:        []activity.Entry{{At: at, Action: "update", RecordType: "product", Changes: []activity.Change{{Field: "price", Before: "24.90", After: "25.90"}}}}},
			"product_import": &productImportPage{Page: p, Problem: "products.import_not_csv", Columns: catalog.Columns, Report: &service.ProductImportReport{Rows: 3, Created: 1, Updated: 1, Encoding: "utf-8", Delimiter: ";",
				Unknown: []string{"x"}, Errors: []service.RowError{{Line: 2, Field: "barcode", Code: "invalid_barcode"}}}},
			"signup":       &signupPage{Page: p, Errors: errorsShown, Form: service.SignUp{BusinessName: "B", Email: "e@example.fr"}},
			"verify_email": &verifyEmailPage{Page: p, Email: "e@example.fr", Errors: errorsShown},
			"sales": &salesListPage{Page: owner(p), Collection: salesCollections[3], Collections: salesCollections, Status: "overdue", Query: "x", Next: "after=3",
				Items: []salesRow{{Document: sampleDocument(at), Shown: sales.Overdue}, {Document: sales.Document{ID: 2, Kind: sales.Deposit, Status: sales.Draft, CreatedAt: at}, Shown: sales.Draft}}},
			"sales_editor": sampleEditor(s, owner(p)),
			"sales_document": &salesDocPage{Page: owner(p), Doc: service.DocumentView{Document: sampleDocument(at), Status: sales.Overdue, Children: []sales.Document{{ID: 5, Kind: sales.Credit, Status: sales.Draft}}},
				Collection: salesCollections[3], Totals: sampleTotals(), Ancestors: []sales.Document{{ID: 1, Kind: sales.Quote, Number: "D-1"}},
				Children: []salesRow{{Document: sales.Document{ID: 5, Kind: sales.Credit, Status: sales.Draft}, Shown: sales.Draft}},
				Problems: []issueProblem{issueProblemOf(errs.FieldError{Field: "seller.siret"}, sampleDocument(at)), issueProblemOf(errs.FieldError{Field: "buyer.siren"}, sampleDocument(at)),
					issueProblemOf(errs.FieldError{Field: "settings.late_penalty_rate"}, sampleDocument(at)), issueProblemOf(errs.FieldError{Field: "lines.0.quantity"}, sampleDocument(at))},
				ActionError: "x", CanEdit: true, CanDelete: true, CanIssue: true, CanDecide: true, Deposit: true, DepositPct: "30",
				Derive: []docAction{{Kind: "order", Label: "sales.make.order"}, {Kind: "invoice", Delivered: true, Label: "sales.make.invoice_delivered"}},
				Extras: docExtras{CanSend: true, Payable: true, Open: true, CanPay: true, Methods: sales.Methods, Credit: 500, ShowDunning: true, CanRemind: true, CanPause: true, ClientPaused: true,
					Payments:  []sales.Allocation{{ID: 1, PaymentID: 2, DocumentID: 4, Amount: 100, Date: "2026-11-26", Method: "cheque", Reference: "<b>123</b>"}},
					PayForm:   payForm{Date: "2026-11-27", Amount: "x", Method: "card"},
					PayErrors: salesErrors(errs.Fields{{Field: "amount", Code: "not_a_number"}, {Field: "document_id", Code: "other_client"}, {Field: "method", Code: "invalid_method"}}.Err("t")),
					Reminders: []sales.Reminder{{ID: 1, Level: 1, Tone: "friendly", Channel: "email", SentAt: at, MailStatus: "sent"}, {ID: 2, Level: 2, Tone: "formal", Channel: "letter", SentAt: at, MailStatus: "no_email"}},
					Due:       &service.DueReminder{Document: sampleDocument(at), Level: 3, OverdueDays: 40, Step: sales.Level{Days: 30, Channel: "letter", Tone: "formal"}}}},
			"sales_send": &sendPage{Page: owner(p), Doc: service.DocumentView{Document: sampleDocument(at)}, Form: service.SendInput{To: "a@example.fr", Subject: "<b>Facture</b>", Body: "Bonjour\n<b>x</b>"},
				Errors: salesErrors(errs.Fields{{Field: "to", Code: "invalid_email"}, {Field: "subject", Code: "invalid_subject"}, {Field: "body", Code: "too_long"}}.Err("t"))},
			"sales_reminders": &remindersPage{Page: owner(p), CanSend: true, Items: []service.DueReminder{{Document: sampleDocument(at), Level: 1, OverdueDays: 12, Step: sales.Level{Days: 10, Channel: "email", Tone: "friendly"}, Email: "a@example.fr"},
				{Document: sampleDocument(at), Level: 3, OverdueDays: 70, Step: sales.Level{Days: 60, Channel: "letter", Tone: "formal"}}}},
			"sales_dashboard":    &dashboardPage{Page: owner(p), Figures: sampleFigures()},
			"sales_settings":     sampleSettingsPage(s, owner(p)),
			"purchases_to_pay":   samplePurchasePage(owner(p), "purchases_to_pay", at),
			"supplier_statement": samplePurchasePage(owner(p), "supplier_statement", at),
			"privacy_requests":   samplePrivacyRequests(p, at, errorsShown),
			"privacy_request":    samplePrivacyRequest(owner(p), at),
			"privacy_erase":      &privacyErasePage{Page: p, Req: privacy.Request{ID: 3}, Preview: sampleReport(), Kept: 1, Deleted: 2},
			"privacy_lookup":     &privacyLookupPage{Page: p, Query: "zoe@example.net", Found: &privacy.Lookup{Contacts: []privacy.Match{samplePrivacyMatch()}, Members: []privacy.MemberMatch{{Email: "zoe@example.net", Role: "sales"}}, MailLog: 2}},
			"password_reset":     &passwordResetPage{Page: p, Errors: fieldErrors(errs.Fields{{Field: "code", Code: "bad_reset_code"}, {Field: "password", Code: "password_too_common"}}.Err("t"))},
		}
		maps.Copy(pages, samplePrivacyPages(owner(p), at))
		maps.Copy(pages, closureSamplePages(p, at))
		retentionSamplePages(pages, owner(p), at)
		operatorBackupsSamplePages(pages, p, at)
		if len(pages) != len(pageNames) {
			t.Fatalf("test covers %d pages, there are %d", len(pages), len(pageNames))
		}
		for name, data := range pages {
			var buf bytes.Buffer
			if err := s.pages[name].Execute(&buf, data); err != nil {
				t.Errorf("%s/%s: %v", lang, name, err)
				continue
			}
			out := buf.String()
			if m := untranslated.FindString(out); m != "" {
				t.Errorf("%s/%s: untranslated message id %q", lang, name, m)
			}
			if !strings.Contains(out, `<html lang="`+lang+`">`) {
				t.Errorf("%s/%s: wrong html lang", lang, name)
			}
			if strings.Contains(out, "<b>Test</b>") {
				t.Errorf("%s/%s: account name not escaped", lang, name)
			}
		}
	}
}

// TestLocalesComplete: French and English have the same messages.
func TestLocalesComplete(t *testing.T) {
	keys := func(name string) []string {
		b, err := os.ReadFile("locales/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	fr, en := keys("fr.json"), keys("en.json")
	if strings.Join(fr, ",") != strings.Join(en, ",") {
		t.Errorf("locales differ:\nfr: %v\nen: %v", fr, en)
	}
}

// TestEveryFieldCodeIsTranslated: each error code the domain can return for
// a form field has a message in both languages.
func TestEveryFieldCodeIsTranslated(t *testing.T) {
	s := newTestServer(t)
	bad := []error{
		(&account.Account{Name: strings.Repeat("x", 300), SIREN: "1", SIRET: "1", VATNumber: "XX1", Address: account.Address{Country: "1", PostalCode: "1"},
			Email: "no", Currency: "USD", Locale: "de", TimeZone: "Nowhere", ShareCapital: -1}).Validate(),
		(&account.Account{Name: "x", SIREN: "732829320", SIRET: "55210055400013", Currency: "EUR", Locale: "fr", TimeZone: "UTC", Address: account.Address{Country: "FR"}}).Validate(),
		(&account.BankAccount{IBAN: "FR00", BIC: "1"}).Validate(),
		(&crm.Address{Kind: "x", PostalCode: "1", Label: strings.Repeat("x", 101)}).Validate(),
		(&crm.Contact{Kind: crm.Company, CompanyName: "x", CompanyID: 1}).Validate(),
		(&crm.SavedView{Query: "x=1"}).Validate(),
		(&crm.SavedView{Name: "x", Query: "q=%zz"}).Validate(),
		(&catalog.Product{Name: strings.Repeat("x", 201), Reference: "a\x01", Unit: "crate", Price: -1, PurchasePrice: catalog.MaxPrice + 1, VATRate: 1, Barcode: "1"}).Validate(),
		(&catalog.Supplier{Reference: strings.Repeat("x", 65), Price: -1}).Validate(),
		(&catalog.Supplier{ContactID: 1, Reference: "a\x01", Price: catalog.MaxPrice + 1}).Validate(),
	}
	codes := []string{"not_a_number", "too_many_decimals", "out_of_range", "not_an_image", "too_large", "required",
		"unknown_company", "has_people", "reference_taken", "invalid_boolean", "not_found", "not_supplier"}
	for _, err := range bad {
		for _, f := range errs.FieldsOf(err) {
			codes = append(codes, f.Code)
		}
	}
	for _, lang := range []string{"fr", "en"} {
		tr := s.translator(lang)
		for _, c := range codes {
			if got := tr.T("error." + c); got == "error."+c {
				t.Errorf("%s: no message for field code %q", lang, c)
			}
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/settings/account?x=1": "/settings/account?x=1",
		"":                      "/",
		"//evil.example/":       "/",
		"https://evil.example/": "/",
		"/\\evil.example":       "/",
		"javascript:alert(1)":   "/",
		"relative":              "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorStatusMapping(t *testing.T) {
	s := newTestServer(t)
	for kind, status := range statusOf {
		r := httptest.NewRequest("GET", "/api/v1/x", nil)
		w := httptest.NewRecorder()
		s.renderError(w, r, errs.E("test", kind, "boom"))
		if w.Code != status {
			t.Errorf("%s: status %d, want %d", kind, w.Code, status)
		}
		var body apiError
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != kind.String() {
			t.Errorf("%s: body %s", kind, w.Body.String())
		}
		if kind == errs.Internal && strings.Contains(w.Body.String(), "boom") {
			t.Error("internal error detail shown to the client")
		}
	}
}

func decodeBody(body string) error {
	r := httptest.NewRequest("PATCH", "/api/v1/account", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var u account.Update
	return decodeJSON(httptest.NewRecorder(), r, &u)
}

func TestDecodeJSONErrors(t *testing.T) {
	tests := []struct{ body, want string }{
		{``, "the body is empty"},
		{`{"name":`, "ends too early"},
		{`{"name": 3}`, "name must be a string"},
		{`{"share_capital": "10"}`, "share_capital must be a whole number"},
		{`{"id": 9}`, "id is not a field that can be set"},
		{`{} {}`, "more than one JSON value"},
		{`[1]`, "a JSON object is expected"},
		{`{"name":"x",}`, "malformed JSON at byte 13"},
	}
	for _, tt := range tests {
		err := decodeBody(tt.body)
		if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("decode %q: %v, want Invalid mentioning %q", tt.body, err, tt.want)
		}
	}
	if err := decodeBody(`{"name":"ok","address":{"city":"Pau"}}`); err != nil {
		t.Errorf("valid body: %v", err)
	}
}

// FuzzDecodeJSON feeds arbitrary bodies to the API decoder: it must never
// panic, and every failure must be a client error (Invalid or TooLarge),
// never an internal one.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"name":"x"}`, `{"address":{"city":"Pau"}}`, `{"share_capital":12}`, `[`, `{"id":1}`, `null`, `{"name":"\ud800"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		err := decodeBody(body)
		if err != nil && !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.TooLarge) {
			t.Fatalf("body %q: %v is not a client error", body, err)
		}
	})
}

func TestListParams(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?limit=10&cursor="+encodeCursor(42), nil)
	c, l, err := listParams(r)
	if err != nil || c != 42 || l != 10 {
		t.Fatalf("listParams = %d, %d, %v", c, l, err)
	}
	for _, q := range []string{"limit=0", "limit=201", "limit=x", "cursor=!!", "cursor=" + encodeCursor(-1)} {
		if _, _, err := listParams(httptest.NewRequest("GET", "/x?"+q, nil)); !errs.Is(err, errs.Invalid) {
			t.Errorf("%s: %v, want Invalid", q, err)
		}
	}
}

func TestRequestIDFromCallerIsSanitized(t *testing.T) {
	s := newTestServer(t)
	for id, kept := range map[string]bool{"abc-123_X": true, "bad id\n": false, strings.Repeat("a", 65): false} {
		r := httptest.NewRequest("GET", "/healthz", nil)
		r.Header.Set("X-Request-Id", id)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if got := w.Header().Get("X-Request-Id"); (got == id) != kept || got == "" {
			t.Errorf("X-Request-Id %q → %q", id, got)
		}
	}
}

// BenchmarkRenderHome measures rendering the home page template alone.
func BenchmarkRenderHome(b *testing.B) {
	db := storagetest.Open(b, storagetest.Engines()[0])
	s, err := New(Options{Service: service.New(db, slog.New(slog.DiscardHandler))})
	if err != nil {
		b.Fatal(err)
	}
	acc := account.New("Épicerie")
	p := &homePage{Page: Page{translator: s.translator("fr"), Account: &acc, assets: s.assets, loc: time.UTC,
		Viewer: &viewer{Membership: identity.Membership{AccountName: acc.Name}}}, Modules: modules}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.pages["home"].Execute(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHomePage measures the whole logged-in home page through the
// server's handler: authentication, rendering, middleware.
func BenchmarkHomePage(b *testing.B) {
	db := storagetest.Open(b, storagetest.Engines()[0])
	svc := service.New(db, slog.New(slog.DiscardHandler))
	svc.Password = password.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 16}
	if _, _, err := svc.CreateAccount(context.Background(), service.NewAccount{Account: account.New("Bench"), OwnerEmail: "b@example.fr", OwnerPassword: "pass1234word", OwnerVerified: true}); err != nil {
		b.Fatal(err)
	}
	token, _, err := svc.Login(context.Background(), "b@example.fr", "pass1234word", 0)
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Options{Service: svc})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("GET", "/", nil)
			r.AddCookie(&http.Cookie{Name: "comptoir_session", Value: token})
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != 200 {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
}

// TestSavedViewKeysAreTheListFilters: a saved view accepts exactly the
// filters the list writes in its query string.
func TestSavedViewKeysAreTheListFilters(t *testing.T) {
	all := contactQuery{Query: "a", Role: "client", Tag: "b", City: "c", Owner: "me", Before: "2026-01-01", After: "2025-01-01", Sort: "newest", Company: "4"}
	keys := slices.Sorted(maps.Keys(all.Values()))
	if want := slices.Sorted(slices.Values(crm.ViewKeys)); !slices.Equal(keys, want) {
		t.Errorf("list filters %v, saved view keys %v", keys, want)
	}
	v := crm.SavedView{Name: "x", Query: all.Values().Encode()}
	if err := v.Validate(); err != nil || v.Query != (&contactsPage{Filter: all}).CurrentQuery() {
		t.Errorf("a view of the list's filters: %q %v", v.Query, err)
	}
}

func sampleDocument(at time.Time) sales.Document {
	d := sales.Document{ID: 4, Kind: sales.Invoice, Status: sales.Issued, Number: "F-2026-0001", ContactID: 2, Title: "<b>Refonte</b>",
		Buyer:           sales.Party{Name: "<b>Client</b>", Address: account.Address{Line1: "1 rue", PostalCode: "64000", City: "Pau", Country: "BE"}, SIREN: "732829320", VATNumber: "FR1"},
		DeliveryAddress: &account.Address{Line1: "2 rue", City: "Pau"}, IssueDate: "2026-11-25", DeliveryDate: "2026-11-25", DueDate: "2026-12-25",
		PaymentTerms: "30_eom", Discount: 500, Exemption: "franchise", Operation: sales.Goods, VATOnDebits: true, Notes: "n", Locale: "fr", CreatedAt: at, Paid: 100, Credited: 100, Restricted: true,
		Lines: []sales.Line{{Kind: sales.Section, Description: "Lot 1"}, {Kind: sales.Item, Reference: "R", Description: "Farine", Quantity: 1500, Unit: "kg", UnitPrice: 250, Discount: 1000, VATRate: 550},
			{Kind: sales.Comment, Description: "Livré"}}}
	d.Compute()
	return d
}

func sampleTotals() sales.Totals {
	d := sampleDocument(time.Time{})
	return d.Compute()
}

func sampleEditor(s *Server, p Page) *salesEditorPage {
	e := &salesEditorPage{Page: p, Collection: salesCollections[0], Units: measure.Units, Exemptions: vat.Exemptions, Rates: []string{"20", "5,5"},
		Terms: []termChoice{{"30", "30 jours"}}, Defaults: false, Clients: []crm.Contact{{ID: 2, Kind: "person", LastName: "<b>L</b>"}},
		Form: docForm{ID: 3, Kind: sales.Quote, ContactID: "2", PaymentTerms: "30", Exemption: "franchise", Operation: "goods", Discount: "5", Locale: "fr",
			Lines: []lineForm{{Kind: "item", Quantity: "1,5x", Unit: "kg", UnitPrice: "2,50", VATRate: "8,5"}, {Kind: "section", Description: "S"}}}}
	e.Products = []productChoice{{ID: 7, Label: "CAF — <b>Café</b>", Reference: "CAF", Description: "<b>Café</b>\nGrains", Unit: "kg", Price: "24,90", VATRate: "5,5", Shown: "24,90 € / kg"}}
	e.MoreProducts = true
	e.Form.Lines[0].ProductID = "7"
	e.Errors = salesErrors(errs.Fields{{Field: "contact_id", Code: "required"}, {Field: "lines.0.quantity", Code: "not_a_number"}, {Field: "lines.1.product_id", Code: "not_found"}, {Field: "lines", Code: "negative_total"}, {Field: "title", Code: "too_long"}}.Err("t"))
	t := sampleTotals()
	e.Totals = &t
	return e
}

func sampleSettingsPage(s *Server, p Page) *salesSettingsPage {
	st := sales.DefaultSettings()
	st.Patterns["quote"] = "DV-{0000}"
	sp := &salesSettingsPage{Page: p, Form: st, PenaltyRate: "12,15", Dunning: []dunningRow{{Days: "7", Channel: "email", Tone: "friendly"}}, Exemptions: vat.Exemptions,
		Series: []seriesRow{{Kind: "quote", Pattern: "DV-{0000}", Default: "D-{YYYY}-{0000}", Preview: "DV-0001"}}, Terms: []termChoice{{"30", "30 jours"}}}
	sp.Errors = salesErrors(errs.Fields{{Field: "patterns.quote", Code: "invalid_pattern"}, {Field: "dunning.0.days", Code: "out_of_order"}, {Field: "accent", Code: "invalid_colour"}}.Err("t"))
	return sp
}

// owner gives a sample page the rights of an owner, so that every button shows.
// sampleFigures are dashboard figures with every part filled.
func sampleFigures() *salesFigures {
	f := &salesFigures{QuotesPending: 2, QuotesPendingNet: 120000, OrdersToDeliver: 1, Unpaid: 50000, UnpaidCount: 3, Overdue: 20000, OverdueCount: 1, Year: 300000,
		Top: []dashClient{{ContactID: 2, Name: "<b>Client</b>", Net: 200000}}}
	for i := range 12 {
		f.Months = append(f.Months, dashMonth{Month: "2026-01", Label: "janv. 2026", Net: money.Amount(i * 1000), X: i * 60, Y: 100, W: 40, H: 100, LabelX: i*60 + 30})
	}
	return f
}

func owner(p Page) Page {
	p.rights, _ = access.Builtin(access.RoleOwner)
	return p
}
