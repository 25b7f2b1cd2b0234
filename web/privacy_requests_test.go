package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
)

func sampleReport() privacy.Report {
	return privacy.Report{ContactID: 2, Lines: []privacy.Line{
		{Table: "documents", Record: "F-2026-0001", Count: 1, Outcome: privacy.Kept, Reason: privacy.ReasonHold, Until: "2036-03-02"},
		{Table: "conversations", Count: 2, Outcome: privacy.Deleted, Reason: privacy.ReasonErased},
		{Table: "activity", Count: 5, Outcome: privacy.Redacted, Reason: privacy.ReasonLog}}}
}

func samplePrivacyMatch() privacy.Match {
	return privacy.Match{ContactID: 2, Name: "<b>Zoé</b>", Email: "zoe@example.net", Holdings: []privacy.Holding{
		{Table: "contacts", Count: 1},
		{Table: "documents", Count: 2, Items: []privacy.HeldItem{{ID: 4, Kind: "invoice", Label: "F-1", Restricted: true}, {ID: 5, Kind: "quote"}}},
		{Table: "payments", Count: 1, Items: []privacy.HeldItem{{ID: 1, Kind: "in", Label: "VIR", Date: "2026-03-02"}}}}}
}

func samplePrivacyRequests(p Page, at time.Time, fe formErrors) *privacyRequestsPage {
	open := privacy.Request{ID: 1, Kind: privacy.AccessRequest, Status: privacy.RequestOpen, Name: "<b>Zoé</b>", ReceivedOn: "2026-10-20", DueOn: "2026-11-20", VerifiedAt: &at}
	near := privacy.Request{ID: 2, Kind: privacy.ErasureRequest, Status: privacy.RequestOpen, Name: "Lou", ReceivedOn: "2026-11-01", DueOn: "2026-12-01"}
	return &privacyRequestsPage{Page: p, Today: "2026-11-25", Open: []privacy.Request{open, near}, Recent: []privacy.Request{open, near},
		Form: privacy.Request{Kind: privacy.ObjectionRequest, Channel: "post"}, Errors: fe, Kinds: privacy.RequestKinds, Channels: privacy.Channels}
}

func samplePrivacyRequest(p Page, at time.Time) *privacyRequestPage {
	rep := sampleReport()
	return &privacyRequestPage{Page: p, Today: "2026-11-25", Statuses: []privacy.RequestStatus{privacy.RequestAnswered, privacy.RequestRefused, privacy.RequestClosed},
		Req: privacy.Request{ID: 3, Kind: privacy.ErasureRequest, Status: privacy.RequestOpen, Name: "Zoé", Email: "zoe@example.net", Channel: "email",
			ReceivedOn: "2026-11-01", DueOn: "2026-12-01", ExtendedDueOn: "2027-02-01", ExtensionReason: "many", CodeSentAt: &at,
			Details: "Effacez\ntout", ContactIDs: []int64{2}, Report: &rep, Notes: "2026-11-25 erased"},
		Contacts: []privacy.Match{samplePrivacyMatch(), {ContactID: 9, Erased: true}}, Query: "zoe",
		Found: &privacy.Lookup{Contacts: []privacy.Match{samplePrivacyMatch(), {ContactID: 7, Name: "Other"}}}, Problem: "privreq.problem.conflict"}
}

func TestRequestUrgency(t *testing.T) {
	for _, c := range []struct {
		due, today, want string
		status           privacy.RequestStatus
	}{
		{"2026-11-20", "2026-11-25", "overdue", privacy.RequestOpen},
		{"2026-11-30", "2026-11-25", "near", privacy.RequestOpen},
		{"2026-12-30", "2026-11-25", "", privacy.RequestOpen},
		{"2026-11-20", "2026-11-25", "", privacy.RequestClosed},
	} {
		if got := urgency(c.today, privacy.Request{DueOn: c.due, Status: c.status}); got != c.want {
			t.Errorf("due %s on %s (%s): %q, want %q", c.due, c.today, c.status, got, c.want)
		}
	}
	if !strings.Contains(samplePrivacyMatch().Name, "Zoé") {
		t.Fatal("sample")
	}
}

// FuzzDecodePrivacyRequest feeds arbitrary bodies to a request's PATCH
// and POST: decoding and validation fail only with client errors, and a
// request that validates has a due date one month after its receipt.
func FuzzDecodePrivacyRequest(f *testing.F) {
	for _, s := range []string{`{}`, `{"kind":"access","requester_name":"Zoé","requester_email":"Z@x.fr","channel":"email"}`,
		`{"kind":"erasure","requester_name":"A","channel":"post","received_on":"2028-01-31","link_contact_ids":[1,2]}`,
		`{"status":"answered","answer":"ok"}`, `{"received_on":"2026-02-30"}`, `{"kind":1}`, `[`, `null`, `{"account_id":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var in service.RequestPatch
		r := httptest.NewRequest("PATCH", "/api/v1/privacy/requests/1", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if err := decodeJSON(httptest.NewRecorder(), r, &in); err != nil {
			if !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.TooLarge) {
				t.Fatalf("body %q: %v is not a client error", body, err)
			}
			return
		}
		req := privacy.Request{ReceivedOn: "2026-01-31"}
		in.Apply(&req)
		if err := req.Validate(); err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("body %q: %v is not a client error", body, err)
			}
			return
		}
		received, _ := time.Parse(time.DateOnly, req.ReceivedOn)
		if due, _ := time.Parse(time.DateOnly, req.DueOn); !due.After(received) || due.After(received.AddDate(0, 1, 0)) {
			t.Fatalf("received %s, due %s", req.ReceivedOn, req.DueOn)
		}
	})
}
