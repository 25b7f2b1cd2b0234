package service_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// retentionCase sets records up on its start day and says, on a later
// day, whether the policy has acted on them.
type retentionCase struct {
	name string
	// setup runs with the clock on 2026-03-02 and returns what gone needs.
	setup func(t *testing.T, s *service.Service, db *storage.DB, ctx context.Context) int64
	// due is the first day the policy acts.
	due string
	// gone reports whether the policy acted on the record.
	gone func(t *testing.T, s *service.Service, db *storage.DB, ctx context.Context, id int64) bool
	// step is the plan's step that counts it.
	policy, target string
	action         privacy.Action
}

func contactGone(t *testing.T, s *service.Service, _ *storage.DB, ctx context.Context, id int64) bool {
	t.Helper()
	_, err := s.Contact(ctx, id)
	if err != nil && !errs.Is(err, errs.NotFound) {
		t.Fatal(err)
	}
	return errs.Is(err, errs.NotFound)
}

func contactErased(t *testing.T, s *service.Service, _ *storage.DB, ctx context.Context, id int64) bool {
	t.Helper()
	c, err := s.Contact(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.ErasedAt != nil && c.LastName == ""
}

// endRelationship makes c a contact whose relationship ended on the
// clock's day: created six years earlier, ended by the inactivity job.
func endRelationship(t *testing.T, s *service.Service, db *storage.DB, ctx context.Context, in crm.Input) crm.Contact {
	t.Helper()
	at(db, "2020-03-02")
	c, err := s.CreateContact(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	at(db, "2026-03-02")
	if _, err := s.EndInactiveContacts(access.AsSystem(ctx), 36); err != nil {
		t.Fatal(err)
	}
	return c
}

func retentionCases() []retentionCase {
	var invoice int64
	return []retentionCase{
		{name: "prospect", due: "2028-03-02", policy: privacy.Prospects, target: "contacts", action: privacy.Delete,
			setup: func(t *testing.T, s *service.Service, _ *storage.DB, ctx context.Context) int64 {
				c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), FirstName: ptr("Paul"), LastName: ptr("Prospectin"),
					Email: ptr("paul@prospect.example"), IsProspect: ptr(true)})
				if err != nil {
					t.Fatal(err)
				}
				return c.ID
			}, gone: contactGone},
		{name: "prospect with an exchange", due: "2028-03-02", policy: privacy.Prospects, target: "contacts", action: privacy.Delete,
			setup: func(t *testing.T, s *service.Service, _ *storage.DB, ctx context.Context) int64 {
				c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Echangeur"), IsProspect: ptr(true)})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.AddConversation(ctx, c.ID, crm.ConversationInput{Kind: ptr("note"), Subject: ptr("Appel Echangeur")}); err != nil {
					t.Fatal(err)
				}
				return c.ID
			}, gone: contactGone},
		{name: "client into the archive", due: "2026-03-02", policy: privacy.Clients, target: "contacts", action: privacy.Archive,
			setup: func(t *testing.T, s *service.Service, db *storage.DB, ctx context.Context) int64 {
				return endRelationship(t, s, db, ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Archivée SARL"), IsClient: ptr(true)}).ID
			}, gone: func(t *testing.T, s *service.Service, _ *storage.DB, ctx context.Context, id int64) bool {
				c, err := s.Contact(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				return c.ArchivedAt != nil && c.ErasedAt == nil
			}},
		{name: "client anonymised, invoice kept", due: "2032-03-02", policy: privacy.Clients, target: "contacts", action: privacy.Anonymise,
			setup: func(t *testing.T, s *service.Service, db *storage.DB, ctx context.Context) int64 {
				// Invoiced in 2023, then nothing for three years: the
				// relationship ends in 2026 (an invoice issued later would
				// have resumed it).
				at(db, "2020-03-02")
				c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Ancienne SARL"), IsClient: ptr(true),
					SIRET: ptr("55210055400013"), Address: &account.Address{Line1: "1 place Bellecour", PostalCode: "69002", City: "Lyon", Country: "FR"}})
				if err != nil {
					t.Fatal(err)
				}
				sellerReady(t, s, ctx)
				at(db, "2023-01-02")
				invoice = issueInvoice(t, s, ctx, c.ID).ID
				at(db, "2026-03-02")
				if _, err := s.EndInactiveContacts(access.AsSystem(ctx), 36); err != nil {
					t.Fatal(err)
				}
				return c.ID
			}, gone: func(t *testing.T, s *service.Service, db *storage.DB, ctx context.Context, id int64) bool {
				erased := contactErased(t, s, db, ctx, id)
				if erased {
					if _, err := s.Document(ctx, invoice); err != nil {
						t.Errorf("the invoice under its legal hold went with its client: %v", err)
					}
				}
				return erased
			}},
		{name: "supplier", due: "2032-03-02", policy: privacy.Suppliers, target: "contacts", action: privacy.Anonymise,
			setup: func(t *testing.T, s *service.Service, db *storage.DB, ctx context.Context) int64 {
				return endRelationship(t, s, db, ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Fournil SA"), IsSupplier: ptr(true)}).ID
			}, gone: contactGone},
		{name: "invoice past its legal hold", due: "2036-03-02", policy: privacy.AccountingDocs, target: "documents", action: privacy.Delete,
			setup: func(t *testing.T, s *service.Service, _ *storage.DB, ctx context.Context) int64 {
				c := sellerReady(t, s, ctx)
				inv := issueInvoice(t, s, ctx, c.ID)
				if _, err := s.EraseContact(ctx, c.ID, "test"); err != nil {
					t.Fatal(err)
				}
				return inv.ID
			}, gone: func(t *testing.T, s *service.Service, _ *storage.DB, ctx context.Context, id int64) bool {
				_, err := s.Document(ctx, id)
				if err != nil && !errs.Is(err, errs.NotFound) {
					t.Fatal(err)
				}
				return errs.Is(err, errs.NotFound)
			}},
		{name: "activity log", due: "2027-03-02", policy: privacy.ActivityLog, target: "activity", action: privacy.Delete,
			setup: func(t *testing.T, s *service.Service, _ *storage.DB, ctx context.Context) int64 {
				c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Journal"), IsClient: ptr(true)})
				if err != nil {
					t.Fatal(err)
				}
				return c.ID
			}, gone: func(t *testing.T, s *service.Service, _ *storage.DB, ctx context.Context, id int64) bool {
				entries, err := s.Activity(ctx, activity.Filter{RecordType: "contact", RecordID: id, Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				return len(entries) == 0
			}},
		{name: "mail log", due: "2027-03-02", policy: privacy.MailLog, target: "mail_log", action: privacy.Delete,
			setup: func(t *testing.T, _ *service.Service, db *storage.DB, ctx context.Context) int64 {
				e := storage.MailLogEntry{AccountID: accountOf(t, ctx), To: "someone@example.net", Template: "test", Subject: "x", Status: "sent"}
				if err := db.LogMail(ctx, &e); err != nil {
					t.Fatal(err)
				}
				return e.ID
			}, gone: func(t *testing.T, _ *service.Service, db *storage.DB, ctx context.Context, id int64) bool {
				list, err := db.ListMailLog(ctx, 100)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range list {
					if e.ID == id {
						return false
					}
				}
				return true
			}},
		{name: "session", due: "2026-04-01", policy: privacy.SessionsPolicy, target: privacy.SessionsPolicy, action: privacy.Delete,
			setup: func(t *testing.T, _ *service.Service, db *storage.DB, ctx context.Context) int64 {
				now := db.Now(ctx)
				// Expires at 22:00: 30 days later, its day is the first it goes.
				err := db.CreateSession(ctx, identity.Session{TokenHash: "retention-test-" + strconv.FormatInt(accountOf(t, ctx), 10),
					UserID: identity.ActorFrom(ctx).UserID, AccountID: accountOf(t, ctx), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(12 * time.Hour)})
				if err != nil {
					t.Fatal(err)
				}
				return 0
			}, gone: func(t *testing.T, _ *service.Service, db *storage.DB, ctx context.Context, _ int64) bool {
				n, err := db.ExpiredCount(ctx, privacy.SessionsPolicy, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
				if err != nil {
					t.Fatal(err)
				}
				return n == 0
			}},
		{name: "invitation", due: "2026-04-08", policy: privacy.Invitations, target: "invitations", action: privacy.Delete,
			setup: func(t *testing.T, _ *service.Service, db *storage.DB, ctx context.Context) int64 {
				// Expires 7 days later, on 2026-03-09: 30 days after that, it goes.
				inv := identity.Invitation{Email: "invitee@example.net", Role: "sales", TokenHash: "h" + strconv.FormatInt(accountOf(t, ctx), 10)}
				if err := db.CreateInvitation(ctx, &inv); err != nil {
					t.Fatal(err)
				}
				return inv.ID
			}, gone: func(t *testing.T, _ *service.Service, db *storage.DB, ctx context.Context, id int64) bool {
				n, err := db.ExpiredCount(ctx, privacy.Invitations, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
				if err != nil {
					t.Fatal(err)
				}
				return n == 0
			}},
		{name: "cached API answer", due: "2026-03-03", policy: privacy.ReplayCache, target: "idempotency_keys", action: privacy.Delete,
			setup: func(t *testing.T, _ *service.Service, db *storage.DB, ctx context.Context) int64 {
				err := db.SaveIdempotentResponse(ctx, storage.IdempotentResponse{UserID: identity.ActorFrom(ctx).UserID, Key: "k1",
					RequestHash: "x", Status: 201, Body: []byte(`{"name":"Léa"}`)})
				if err != nil {
					t.Fatal(err)
				}
				return 0
			}, gone: func(t *testing.T, _ *service.Service, db *storage.DB, ctx context.Context, _ int64) bool {
				n, err := db.ExpiredCount(ctx, privacy.ReplayCache, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
				if err != nil {
					t.Fatal(err)
				}
				return n == 0
			}},
	}
}

func accountOf(t *testing.T, ctx context.Context) int64 {
	t.Helper()
	id, err := account.IDFrom(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRetentionBoundaries runs every policy with a fake clock on the day
// before it is due (nothing happens), the day it is due and the day after
// (it acts), on both engines; each time the plan counted what the run did.
func TestRetentionBoundaries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		n := 0
		for _, tc := range retentionCases() {
			due, err := time.Parse(time.DateOnly, tc.due)
			if err != nil {
				t.Fatal(err)
			}
			for _, off := range []int{-1, 0, 1} {
				day := due.AddDate(0, 0, off)
				t.Run(tc.name+"/"+day.Format(time.DateOnly), func(t *testing.T) {
					n++
					at(db, "2026-03-02")
					ctx, _ := mustCreate(t, s, "Boutique "+strconv.Itoa(n), "owner"+strconv.Itoa(n)+"@retention.example")
					id := tc.setup(t, s, db, ctx)
					at(db, day.Format(time.DateOnly))
					plan, err := s.PlanRetention(ctx, db.Now(ctx))
					if err != nil {
						t.Fatal(err)
					}
					run, err := s.RunRetention(ctx, db.Now(ctx), false)
					if err != nil {
						t.Fatal(err)
					}
					gone := tc.gone(t, s, db, ctx, id)
					if want := off >= 0; gone != want {
						t.Errorf("on %s (due %s): acted %v, want %v; plan %+v", day.Format(time.DateOnly), tc.due, gone, want, plan.Steps)
					}
					planned := plan.Count(tc.policy, tc.action, tc.target)
					done := privacy.Plan{Steps: run.Steps}.Count(tc.policy, tc.action, tc.target)
					if (planned > 0) != gone || planned != done {
						t.Errorf("%s %s %s: planned %d, done %d, acted %v", tc.policy, tc.action, tc.target, planned, done, gone)
					}
					if br, _, err := s.VerifyActivity(ctx); err != nil || br != nil {
						t.Errorf("activity chain after the run: %+v, %v", br, err)
					}
				})
			}
		}
	})
}

// TestRetentionDryRunChangesNothing: a dry run two years ahead plans the
// prospects' deletion, logs the run and changes nothing else; the real run
// then does what the dry run said.
func TestRetentionDryRunChangesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		at(db, "2026-03-02")
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		var ids []int64
		for i := range 7 {
			c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Prospect" + strconv.Itoa(i)), IsProspect: ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		before, err := s.Activity(ctx, activity.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		at(db, "2028-03-02")
		dry, err := s.RunRetention(ctx, db.Now(ctx), true)
		if err != nil {
			t.Fatal(err)
		}
		if got := (privacy.Plan{Steps: dry.Steps}).Count(privacy.Prospects, privacy.Delete, "contacts"); got != 7 {
			t.Errorf("dry run counts %d prospects, want 7", got)
		}
		for _, id := range ids {
			if _, err := s.Contact(ctx, id); err != nil {
				t.Errorf("a dry run deleted prospect %d: %v", id, err)
			}
		}
		after, err := s.Activity(ctx, activity.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Errorf("a dry run wrote %d activity entries", len(after)-len(before))
		}
		runs, err := s.RetentionRuns(ctx, 10)
		if err != nil || len(runs) != 1 || !runs[0].DryRun || runs[0].AsOf != "2028-03-02" {
			t.Fatalf("runs after the dry run: %+v, %v", runs, err)
		}
		for _, st := range runs[0].Steps {
			for _, sm := range st.Samples {
				if sm.Name != "" {
					t.Errorf("the run log keeps a name: %+v", sm)
				}
			}
		}
		real, err := s.RunRetention(ctx, db.Now(ctx), false)
		if err != nil {
			t.Fatal(err)
		}
		for i, st := range real.Steps {
			if st.Count != dry.Steps[i].Count {
				t.Errorf("%s/%s: the run did %d, the dry run said %d", st.Policy, st.Target, st.Count, dry.Steps[i].Count)
			}
		}
		for _, id := range ids {
			if _, err := s.Contact(ctx, id); !errs.Is(err, errs.NotFound) {
				t.Errorf("prospect %d after the run: %v", id, err)
			}
		}
		if runs, _ := s.RetentionRuns(ctx, 10); len(runs) != 2 || runs[0].DryRun || runs[0].FinishedAt == nil || runs[0].Total() == 0 {
			t.Errorf("runs after the real run: %+v", runs)
		}
		if br, _, err := s.VerifyActivity(ctx); err != nil || br != nil {
			t.Errorf("chain: %+v %v", br, err)
		}
	})
}

// TestSetRetentionPolicy: periods within the bounds are kept and logged,
// beyond them refused with the field at fault; the plan follows the
// account's period.
func TestSetRetentionPolicy(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		for _, tc := range []struct {
			key   string
			in    service.PolicyInput
			field string // the field at fault, "" when accepted
		}{
			{privacy.Prospects, service.PolicyInput{Active: privacy.Period{Years: 3}}, ""},
			{privacy.Prospects, service.PolicyInput{Active: privacy.Period{Years: 3, Days: 1}}, "archive"},
			{privacy.Prospects, service.PolicyInput{Active: privacy.Period{Years: -1}}, "active"},
			{privacy.AccountingDocs, service.PolicyInput{Active: privacy.Period{Years: 2}, Archive: privacy.Period{Years: 7}}, "archive"},
			{privacy.AccountingDocs, service.PolicyInput{Active: privacy.Period{Years: 5}, Archive: privacy.Period{Years: 5}}, ""},
			{privacy.ActivityLog, service.PolicyInput{Active: privacy.Period{Months: 6}}, ""},
			{privacy.ResetCodes, service.PolicyInput{Active: privacy.Period{Days: 2}}, "key"},
		} {
			_, err := s.SetRetentionPolicy(ctx, tc.key, tc.in)
			got := ""
			if fs := errs.FieldsOf(err); len(fs) > 0 {
				got = fs[0].Field
			} else if err != nil {
				t.Fatalf("%s %+v: %v", tc.key, tc.in, err)
			}
			if got != tc.field {
				t.Errorf("%s %+v: field at fault %q, want %q (%v)", tc.key, tc.in, got, tc.field, err)
			}
		}
		if _, err := s.SetRetentionPolicy(ctx, "nope", service.PolicyInput{}); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown policy: %v", err)
		}
		sales, _ := access.Builtin(access.RoleSales)
		if _, err := s.SetRetentionPolicy(access.WithRights(ctx, sales), privacy.Prospects, service.PolicyInput{Active: privacy.Period{Years: 1}}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a sales role set a policy: %v", err)
		}
		policies, err := s.RetentionPolicies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range policies {
			if p.Key == privacy.Prospects && p.Active != (privacy.Period{Years: 3}) {
				t.Errorf("prospects policy %+v, want 3 years", p.Active)
			}
		}
		entries, _ := s.Activity(ctx, activity.Filter{RecordType: "retention_policy", Limit: 10})
		if len(entries) != 3 {
			t.Errorf("%d policy changes logged, want 3", len(entries))
		}
		at(db, "2026-03-02")
		c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Patient"), IsProspect: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			day  string
			gone bool
		}{{"2028-03-02", false}, {"2029-03-01", false}, {"2029-03-02", true}} {
			at(db, tc.day)
			if _, err := s.RunRetention(ctx, db.Now(ctx), false); err != nil {
				t.Fatal(err)
			}
			if got := contactGone(t, s, db, ctx, c.ID); got != tc.gone {
				t.Errorf("prospect kept 3 years, on %s: gone %v", tc.day, got)
			}
		}
	})
}

// TestArchiveHiddenWithoutPrivacyRight: a client in the intermediate
// archive leaves the contact list, search and its page for a role without
// the privacy right, and stays on the archive page for the owner.
func TestArchiveHiddenWithoutPrivacyRight(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		at(db, "2020-03-02")
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := endRelationship(t, s, db, ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Dormante SARL"), IsClient: ptr(true)})
		other, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Dormeuse et fils"), IsClient: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RunRetention(ctx, db.Now(ctx), false); err != nil {
			t.Fatal(err)
		}
		support, _ := access.Builtin(access.RoleSupport)
		sctx := access.WithRights(ctx, support)
		for _, q := range []string{"", "dorm", "Dormante"} {
			list, err := s.Contacts(sctx, crm.Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			ids := map[int64]bool{}
			for _, x := range list {
				ids[x.ID] = true
			}
			if ids[c.ID] || (q != "Dormante" && !ids[other.ID]) {
				t.Errorf("search %q by the support role: archived shown %v, active shown %v", q, ids[c.ID], ids[other.ID])
			}
			list, err = s.Contacts(ctx, crm.Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, x := range list {
				found = found || x.ID == c.ID
			}
			if !found {
				t.Errorf("search %q by the owner: the archived client is missing", q)
			}
		}
		if _, err := s.Contact(sctx, c.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("the archived client's page for the support role: %v", err)
		}
		archived, err := s.ArchivedContacts(ctx, 0)
		if err != nil || len(archived) != 1 || archived[0].ID != c.ID || archived[0].EndedAt == nil {
			t.Errorf("archive page: %+v, %v", archived, err)
		}
		if _, err := s.ArchivedContacts(sctx, 0); !errs.Is(err, errs.Forbidden) {
			t.Errorf("archive page for the support role: %v", err)
		}
	})
}

// TestRetentionKeepsPeopleOfClients: a person who works for a client
// stays as long as the client, even marked as a prospect; expired reset codes
// and the instance's old e-mail log go with the run over every account.
func TestRetentionKeepsPeopleOfClients(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		at(db, "2026-03-02")
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		client, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Cliente SA"), IsClient: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		person, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Employée"), CompanyID: &client.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.LogMail(ctx, &storage.MailLogEntry{To: "someone@example.net", Template: "reset", Subject: "code", Status: "sent"}); err != nil {
			t.Fatal(err)
		}
		at(db, "2030-03-02")
		runs, codes, err := s.RunRetentionAll(access.AsSystem(context.Background()), db.Now(ctx), false)
		if err != nil || len(runs) != 1 || runs[0].Err != nil {
			t.Fatalf("run over every account: %+v, %v", runs, err)
		}
		if contactGone(t, s, db, ctx, person.ID) {
			t.Error("a client's employee went with the prospects")
		}
		if codes["mail_log"] != 1 {
			t.Errorf("instance e-mail log entries removed: %d, want 1", codes["mail_log"])
		}
		if _, _, err := s.RunRetentionAll(ctx, db.Now(ctx), false); !errs.Is(err, errs.Forbidden) {
			t.Errorf("run over every account by a member: %v", err)
		}
	})
}

// TestRetentionOrphanFiles: a stored file no attachment refers to goes
// once a day old, not before.
func TestRetentionOrphanFiles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Atelier", "owner@atelier.example")
		st, err := s.Files.Put(a.ID, strings.NewReader("%PDF-1.4\n% orphan\n"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		today := time.Now().UTC()
		for _, tc := range []struct {
			day  time.Time
			kept bool
		}{{today, true}, {today.AddDate(0, 0, 1), false}} {
			run, err := s.RunRetention(ctx, tc.day, true)
			if err != nil {
				t.Fatal(err)
			}
			planned := privacy.Plan{Steps: run.Steps}.Count(privacy.OrphanFiles, privacy.Delete, "files")
			if (planned == 0) != tc.kept {
				t.Errorf("as of %s: %d orphan files planned", tc.day.Format(time.DateOnly), planned)
			}
		}
		if _, err := s.RunRetention(ctx, today.AddDate(0, 0, 1), false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Files.Get(a.ID, st.Checksum); err == nil {
			t.Error("the orphan file is still kept")
		}
	})
}

// TestBusinessResumesAnArchivedClient: a client whose relationship ended
// and who went to the intermediate archive comes back to active data when
// they are invoiced again, and is not anonymised on the old schedule.
func TestBusinessResumesAnArchivedClient(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := endRelationship(t, s, db, ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Revenue SARL"), IsClient: ptr(true),
			SIRET: ptr("55210055400013"), Address: &account.Address{Line1: "1 place Bellecour", PostalCode: "69002", City: "Lyon", Country: "FR"}})
		if _, err := s.RunRetention(ctx, db.Now(ctx), false); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Contact(ctx, c.ID); err != nil || got.ArchivedAt == nil {
			t.Fatalf("the ended client is not archived: %+v %v", got.ArchivedAt, err)
		}
		sellerReady(t, s, ctx)
		issueInvoice(t, s, ctx, c.ID)
		got, err := s.Contact(ctx, c.ID)
		if err != nil || got.ArchivedAt != nil || got.EndedAt != nil {
			t.Fatalf("invoiced again, the client stays archived or ended: %+v %+v %v", got.ArchivedAt, got.EndedAt, err)
		}
		at(db, "2032-03-03")
		if _, err := s.RunRetention(ctx, db.Now(ctx), false); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Contact(ctx, c.ID); err != nil || got.ErasedAt != nil {
			t.Errorf("an active client was anonymised on the old schedule: %v %v", got.ErasedAt, err)
		}
	})
}
