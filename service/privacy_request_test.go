package service_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestAccessRequestEndToEnd: a person asks by e-mail for a copy of their
// data; the request is due in a month; the export waits for the identity
// check; a wrong code counts, the e-mailed code verifies; the lookup finds
// the person by e-mail, phone and name with what each module holds; the
// ZIP holds data.json, summary.pdf and their invoice's PDF; the request is
// answered and closed; the log never names the requester.
func TestAccessRequestEndToEnd(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		sellerReady(t, s, ctx)
		at(db, "2026-01-31")
		c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), FirstName: ptr("Zoé"), LastName: ptr("Vandermeulen"),
			Email: ptr("zoe.v@example.net"), Phone: ptr("06 12 34 56 78"), IsClient: ptr(true),
			Address: &account.Address{Line1: "9 rue Vandermeulen", PostalCode: "69003", City: "Lyon", Country: "FR"}})
		if err != nil {
			t.Fatal(err)
		}
		inv := issueInvoice(t, s, ctx, c.ID)

		if _, err := s.CreatePrivacyRequest(ctx, privacy.RequestInput{Kind: ptr(privacy.AccessRequest), Channel: ptr("email")}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("request without requester: %v", err)
		}
		r, err := s.CreatePrivacyRequest(ctx, privacy.RequestInput{Kind: ptr(privacy.AccessRequest), Name: ptr("Zoé Vandermeulen"),
			Email: ptr("Zoe.V@example.net"), Channel: ptr("email")})
		if err != nil {
			t.Fatal(err)
		}
		if r.ReceivedOn != "2026-01-31" || r.DueOn != "2026-02-28" || r.Status != privacy.RequestOpen {
			t.Errorf("new request %+v", r)
		}
		for _, q := range []string{"zoe.v@example.net", "+33 6 12 34 56 78", "vandermeulen"} {
			l, err := s.LookupPerson(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Contacts) != 1 || l.Contacts[0].ContactID != c.ID {
				t.Fatalf("lookup %q: %+v", q, l.Contacts)
			}
			docs := holding(l.Contacts[0], "documents")
			if docs.Count != 1 || docs.Items[0].Label != inv.Number {
				t.Errorf("lookup %q documents: %+v", q, docs)
			}
		}
		if r, err = s.LinkRequestContact(ctx, r.ID, c.ID, true); err != nil || len(r.ContactIDs) != 1 {
			t.Fatalf("link: %v %+v", err, r.ContactIDs)
		}
		if err := s.ExportForRequest(ctx, r.ID, io.Discard); !errs.Is(err, errs.Conflict) {
			t.Fatalf("export before the identity check: %v", err)
		}
		if _, err := s.SendRequestCode(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		m := srv.WaitFor(t, "zoe.v@example.net")
		code := codeInMail.FindString(m.Subject)
		if code == "" || !strings.Contains(m.Text, "Atelier") {
			t.Fatalf("code mail: %+v", m)
		}
		if _, err := s.SendRequestCode(ctx, r.ID); !errs.Is(err, errs.TooManyRequests) {
			t.Errorf("a second code within the minute: %v", err)
		}
		wrong := "00000000"
		if wrong == code {
			wrong = "11111111"
		}
		if _, err := s.VerifyRequestCode(ctx, r.ID, wrong); !errs.Is(err, errs.Invalid) {
			t.Fatalf("wrong code: %v", err)
		}
		if got, _ := s.PrivacyRequest(ctx, r.ID); got.CodeAttempts != 1 || got.Verified() {
			t.Errorf("after a wrong code: attempts %d verified %v", got.CodeAttempts, got.Verified())
		}
		if r, err = s.VerifyRequestCode(ctx, r.ID, code); err != nil || r.VerifiedBy != privacy.VerifiedByCode {
			t.Fatalf("right code: %v %+v", err, r)
		}

		var buf bytes.Buffer
		if err := s.ExportForRequest(ctx, r.ID, &buf); err != nil {
			t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]byte{}
		for _, f := range z.File {
			rc, _ := f.Open()
			got[f.Name], _ = io.ReadAll(rc)
			_ = rc.Close()
		}
		var data struct {
			People []service.PersonCopy `json:"people"`
		}
		if err := json.Unmarshal(got["data.json"], &data); err != nil {
			t.Fatalf("data.json: %v", err)
		}
		if len(data.People) != 1 || len(data.People[0].Modules["contacts"]["contacts"]) != 1 ||
			data.People[0].Modules["contacts"]["contacts"][0]["email"] != "zoe.v@example.net" ||
			len(data.People[0].Modules["sales"]["documents"]) != 1 {
			t.Errorf("data.json: %s", got["data.json"])
		}
		if strings.Contains(string(got["data.json"]), "account_id") || strings.Contains(string(got["data.json"]), "code_hash") {
			t.Error("data.json holds internal keys")
		}
		if _, ok := got["documents/"+inv.Number+".pdf"]; !ok {
			t.Errorf("no invoice PDF in %v", keysOf(got))
		}
		text := pdftest.Text(t, got["summary.pdf"])
		for _, want := range []string{"VOS DONNÉES", "Zoé Vandermeulen", "Obligations comptables", "CNIL", "10 ans"} {
			if !strings.Contains(text, want) {
				t.Errorf("summary.pdf lacks %q:\n%s", want, text)
			}
		}

		at(db, "2026-02-10")
		if r, err = s.ExtendPrivacyRequest(ctx, r.ID, "many records"); err != nil || r.Deadline() != "2026-04-30" {
			t.Errorf("extend: %v %s", err, r.Deadline())
		}
		if _, err := s.AnswerPrivacyRequest(ctx, r.ID, privacy.RequestAnswered, ""); !errs.Is(err, errs.Invalid) {
			t.Errorf("answer without text: %v", err)
		}
		if r, err = s.AnswerPrivacyRequest(ctx, r.ID, privacy.RequestAnswered, "Copy sent by e-mail."); err != nil {
			t.Fatal(err)
		}
		if r, err = s.AnswerPrivacyRequest(ctx, r.ID, privacy.RequestClosed, ""); err != nil || r.ClosedAt == nil {
			t.Fatalf("close: %v", err)
		}
		if err := s.ExportForRequest(ctx, r.ID, io.Discard); !errs.Is(err, errs.Conflict) {
			t.Errorf("export of a closed request: %v", err)
		}
		entries, _ := s.Activity(ctx, activity.Filter{RecordType: "privacy_request", RecordID: r.ID, Limit: 100})
		if len(entries) < 6 {
			t.Errorf("only %d log entries for the request", len(entries))
		}
		for _, e := range entries {
			if strings.Contains(strings.ToLower(e.Summary+changesText(e)), "vandermeulen") {
				t.Errorf("log entry names the requester: %q", e.Summary)
			}
		}
		sales, _ := access.Builtin(access.RoleSales)
		if _, err := s.PrivacyRequest(access.WithRights(ctx, sales), r.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a sales role reads requests: %v", err)
		}
	})
}

// TestErasureRequestEndToEnd: an erasure request made in person, checked by
// other means, previewed without effect, then executed: the report is on
// the request; an objection withdraws consent with the request as proof;
// a restriction also pauses reminders.
func TestErasureRequestEndToEnd(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		sellerReady(t, s, ctx)
		at(db, "2026-03-02")
		c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Effacine"), Email: ptr("eff@example.net"),
			IsClient: ptr(true), MarketingConsent: ptr(true), Address: &account.Address{Line1: "1 rue A", PostalCode: "69001", City: "Lyon", Country: "FR"}})
		if err != nil {
			t.Fatal(err)
		}
		inv := issueInvoice(t, s, ctx, c.ID)
		quote, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Quote), ContactID: &c.ID, Lines: lines(item("x", 1000, 100, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.CreatePrivacyRequest(ctx, privacy.RequestInput{Kind: ptr(privacy.ErasureRequest), Name: ptr("M. Effacine"), Channel: ptr("in_person")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EraseForRequest(ctx, r.ID); !errs.Is(err, errs.Invalid) {
			t.Fatalf("erasure with no contact linked: %v", err)
		}
		if _, err := s.LinkRequestContact(ctx, r.ID, c.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EraseForRequest(ctx, r.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("erasure before the identity check: %v", err)
		}
		if _, err := s.VerifyRequestOtherwise(ctx, r.ID, " "); !errs.Is(err, errs.Invalid) {
			t.Errorf("other means without a note: %v", err)
		}
		if _, err := s.VerifyRequestOtherwise(ctx, r.ID, "identity card shown at the counter"); err != nil {
			t.Fatal(err)
		}
		preview, err := s.ErasurePreview(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if preview.Count(privacy.Kept) != 1 || preview.Count(privacy.Deleted) < 1 {
			t.Errorf("preview %+v", preview.Lines)
		}
		if _, err := s.Document(ctx, quote.ID); err != nil {
			t.Fatalf("the preview deleted the quote: %v", err)
		}
		r, err = s.EraseForRequest(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Report == nil || r.Report.Count(privacy.Kept) != 1 || !strings.Contains(r.Notes, "1 contact record(s) erased") {
			t.Fatalf("request after erasure: %+v", r)
		}
		kept := false
		for _, l := range r.Report.Lines {
			kept = kept || (l.Record == inv.Number && l.Outcome == privacy.Kept && l.Until == "2036-03-02")
		}
		if !kept {
			t.Errorf("report does not keep the invoice until 2036-03-02: %+v", r.Report.Lines)
		}
		if got, _ := s.Contact(ctx, c.ID); got.ErasedAt == nil {
			t.Error("contact not erased")
		}
		again, err := s.PrivacyRequest(ctx, r.ID)
		if err != nil || again.Report == nil || len(again.Report.Lines) != len(r.Report.Lines) {
			t.Errorf("stored report: %v %+v", err, again.Report)
		}

		for _, k := range []privacy.RequestKind{privacy.ObjectionRequest, privacy.RestrictionRequest} {
			o, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Opposant"), IsClient: ptr(true), MarketingConsent: ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			req, err := s.CreatePrivacyRequest(ctx, privacy.RequestInput{Kind: ptr(k), Name: ptr("Opposant"), Channel: ptr("post")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.LinkRequestContact(ctx, req.ID, o.ID, true); err != nil {
				t.Fatal(err)
			}
			act := s.ObjectForRequest
			if k == privacy.RestrictionRequest {
				act = s.RestrictForRequest
				if _, err := act(ctx, req.ID); !errs.Is(err, errs.Conflict) {
					t.Errorf("restriction before the identity check: %v", err)
				}
				if _, err := s.VerifyRequestOtherwise(ctx, req.ID, "signed letter with ID copy"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := act(ctx, req.ID); err != nil {
				t.Fatal(err)
			}
			got, _ := s.Contact(ctx, o.ID)
			if got.MarketingConsent || !strings.Contains(got.ConsentProof, "request #") || !strings.Contains(got.ConsentProof, "2026-03-02") {
				t.Errorf("%s: consent %v proof %q", k, got.MarketingConsent, got.ConsentProof)
			}
			paused, _ := db.ContactDunningPaused(ctx, o.ID)
			if paused != (k == privacy.RestrictionRequest) {
				t.Errorf("%s: reminders paused %v", k, paused)
			}
		}
	})
}

func holding(m privacy.Match, table string) privacy.Holding {
	for _, h := range m.Holdings {
		if h.Table == table {
			return h
		}
	}
	return privacy.Holding{}
}

func keysOf(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
