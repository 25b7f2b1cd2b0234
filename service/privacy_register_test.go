package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func sheetKeys(r privacy.Register) []string {
	var out []string
	for _, s := range r.Activities {
		out = append(out, s.Key)
	}
	return out
}

func findingCodes(fs []privacy.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestRegisterReflectsTheSystem(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		s.Instance = service.InstanceFacts{HostingProvider: "OVH", HostingCountry: "FR", SMTPHost: "smtp.example.fr", TLS: true,
			BackupDestinations: []string{"s3://bucket/comptoir?secret=x", "sftp://backup@store.example.net/srv"}, BackupRecipients: 2}
		ctx, a := mustCreate(t, s, "Fleurs SARL", "owner@fleurs.fr")

		v, err := s.PrivacyRegister(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A new account uses only users and the activity log.
		if got := sheetKeys(v.Register); !slices.Equal(got, []string{"users", "activity_log"}) {
			t.Fatalf("sheets %v", got)
		}
		if v.Register.Controller.Organisation != "Fleurs SARL" || v.Register.Controller.Email != "owner@fleurs.fr" {
			t.Errorf("controller %+v", v.Register.Controller)
		}
		if len(v.Findings) != 0 {
			t.Errorf("findings on a generated register: %+v", v.Findings)
		}
		users := v.Register.Activities[0]
		for _, want := range []string{"argon2id", "HTTPS", "s3://bucket/comptoir, sftp://store.example.net/srv"} {
			if !slices.ContainsFunc(users.Security, func(s string) bool { return strings.Contains(s, want) }) {
				t.Errorf("security measures lack %q: %v", want, users.Security)
			}
		}
		if strings.Contains(strings.Join(users.Security, " "), "secret") {
			t.Errorf("a backup URL's query leaked: %v", users.Security)
		}
		if !slices.ContainsFunc(users.Data, func(d privacy.DataItem) bool { return strings.Contains(d.Detail, "mot de passe (haché par argon2id)") }) {
			t.Errorf("data %+v", users.Data)
		}
		if len(users.Retention) != 3 || users.Retention[0].Policy != privacy.SessionsPolicy {
			t.Errorf("retention %+v", users.Retention)
		}

		// Clients, a case and an accountant: sales and support appear, the
		// accounting firm is an external recipient of sales, not of support.
		c, err := s.CreateContact(ctx, crm.Input{LastName: ptr("Dupré"), IsClient: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.OpenCase(ctx, c.ID, "Colis abîmé", "normal", ""); err != nil {
			t.Fatal(err)
		}
		acct := identity.User{Email: "marie@cabinet-durand.fr", PasswordHash: "!"}
		if err := db.CreateUser(context.Background(), &acct); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(account.WithID(context.Background(), a.ID), acct.ID, access.RoleAccountant); err != nil {
			t.Fatal(err)
		}
		v, err = s.PrivacyRegister(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := sheetKeys(v.Register); !slices.Equal(got, []string{"sales", "support", "users", "activity_log"}) {
			t.Fatalf("sheets %v", got)
		}
		sales, support := v.Register.Activities[0], v.Register.Activities[1]
		if !slices.Equal(sales.Recipients.External, []string{"Cabinet comptable (cabinet-durand.fr)"}) {
			t.Errorf("sales recipients %+v", sales.Recipients)
		}
		if len(support.Recipients.External) != 0 || !slices.Equal(support.Recipients.Internal, []string{"Propriétaires (1)"}) {
			t.Errorf("support recipients %+v", support.Recipients)
		}
		if !strings.Contains(sales.LegalBasis, "contrat") || !slices.ContainsFunc(sales.Recipients.Processors, func(p string) bool { return strings.Contains(p, "OVH") }) {
			t.Errorf("sales %+v", sales)
		}

		// Hosted outside the EU without a safeguard: flagged.
		s.Instance.HostingCountry = "US"
		v, err = s.PrivacyRegister(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(findingCodes(v.Findings), privacy.FindTransferNoSafeguard) {
			t.Errorf("findings %+v", v.Findings)
		}
		s.Instance.HostingSafeguard = "Clauses contractuelles types"
		s.Instance.BackupDestinations = nil
		if v, _ = s.PrivacyRegister(ctx); !slices.Equal(findingCodes(v.Findings), []string{privacy.FindBackupMissing}) {
			t.Errorf("findings %+v", v.Findings)
		}
	})
}

func TestRegisterVersions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Fleurs SARL", "owner@fleurs.fr")
		ctxB, _ := mustCreate(t, s, "Autre", "autre@example.fr")
		v, err := s.PrivacyRegister(ctx)
		if err != nil {
			t.Fatal(err)
		}
		reg := v.Register
		reg.DPO = privacy.Contact{LastName: "Martin", Email: "dpo@fleurs.fr"}
		reg.Activities[0].LegalBasis = ""
		reg.Activities = append(reg.Activities, privacy.Sheet{Key: "paper", Name: "Archives papier", LegalBasis: "Obligation légale"})
		saved, err := s.SaveRegister(ctx, reg, "DPO")
		if err != nil || saved.ID == 0 {
			t.Fatalf("save: %+v %v", saved, err)
		}
		// An edit made on the register before this save is refused.
		if _, err := s.SaveRegisterOver(ctx, reg, "stale", 0); !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale save: %v", err)
		}
		reg.DPO.Phone = "01 02 03 04 05"
		if v, err := s.SaveRegisterOver(ctx, reg, "phone", saved.ID); err != nil || v.ID == 0 {
			t.Fatalf("save over the latest: %+v %v", v, err)
		}
		reg.DPO.Phone = ""
		if _, err := s.SaveRegister(ctx, reg, "DPO"); err != nil {
			t.Fatal(err)
		}
		// Saving the same again makes no version.
		again, err := s.SaveRegister(ctx, reg, "again")
		if err != nil || again.ID != 0 {
			t.Fatalf("unchanged save: %+v %v", again, err)
		}
		v, err = s.PrivacyRegister(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v.Register.DPO.Email != "dpo@fleurs.fr" || !slices.Equal(sheetKeys(v.Register), []string{"users", "activity_log", "paper"}) {
			t.Fatalf("effective %+v", v.Register)
		}
		if v.Version == nil || v.Version.Author != "owner@fleurs.fr" || v.Version.ID != saved.ID+2 {
			t.Errorf("version %+v", v.Version)
		}
		if p, _ := v.Register.Sheet("paper"); p.Created == "" || p.Updated != p.Created {
			t.Errorf("new sheet dates %+v", p)
		}
		if !slices.Contains(findingCodes(v.Findings), privacy.FindLegalBasisMissing) {
			t.Errorf("findings %+v", v.Findings)
		}
		list, err := s.RegisterVersions(ctx)
		if err != nil || len(list) != 3 || list[0].Note != "DPO" || list[1].Note != "phone" {
			t.Fatalf("versions %+v %v", list, err)
		}
		entries, err := s.Activity(ctx, activity.Filter{Limit: 5})
		if err != nil || entries[0].RecordType != "register" || entries[0].Module != "privacy" {
			t.Fatalf("activity %+v %v", entries, err)
		}
		// Another account sees neither the version nor the edits.
		if _, err := s.RegisterVersion(ctxB, saved.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("other account reads a version: %v", err)
		}
		if vb, _ := s.PrivacyRegister(ctxB); vb.Register.DPO.Email != "" || vb.Version != nil {
			t.Errorf("other account %+v", vb)
		}
		// A role without the privacy right is refused.
		sales, _ := access.Builtin(access.RoleSales)
		if _, err := s.PrivacyRegister(access.WithRights(ctx, sales)); !errs.Is(err, errs.Forbidden) {
			t.Errorf("sales reads the register: %v", err)
		}
		// Export of the version and of the register.
		for _, format := range service.ExportFormats {
			out, err := s.ExportRegister(ctx, format, saved.ID)
			if err != nil || !bytes.Contains(out.Data, []byte("Archives papier")) && format != "pdf" {
				t.Errorf("%s: %v", format, err)
			}
		}
		if _, err := s.ExportRegister(ctx, "docx", 0); !errs.Is(err, errs.Invalid) {
			t.Errorf("docx: %v", err)
		}
	})
}

// TestSeedRegistersImportAndExport enters both seed registers through
// the import and exports them as JSON, Markdown and PDF with nothing lost.
func TestSeedRegistersImportAndExport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		for _, name := range []string{"seed000.json", "seed004.json"} {
			t.Run(name, func(t *testing.T) {
				ctx, _ := mustCreate(t, s, "Import "+name, strings.TrimSuffix(name, ".json")+"@example.fr")
				raw, err := os.ReadFile("../privacy/testdata/" + name)
				if err != nil {
					t.Fatal(err)
				}
				want, err := privacy.ImportRegister(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.ImportRegister(ctx, bytes.NewReader(raw)); err != nil {
					t.Fatal(err)
				}
				js, err := s.ExportRegister(ctx, "json", 0)
				if err != nil {
					t.Fatal(err)
				}
				var got privacy.Register
				if err := json.Unmarshal(js.Data, &got); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("the JSON export differs from the import:\n%+v\n%+v", got, want)
				}
				md, err := s.ExportRegister(ctx, "md", 0)
				if err != nil {
					t.Fatal(err)
				}
				p, err := s.ExportRegister(ctx, "pdf", 0)
				if err != nil {
					t.Fatal(err)
				}
				text := pdftest.Text(t, p.Data)
				mdText := strings.Join(strings.Fields(string(md.Data)), " ")
				for _, str := range want.Strings() {
					str = strings.Join(strings.Fields(str), " ")
					if !strings.Contains(mdText, str) {
						t.Errorf("markdown lacks %q", str)
					}
					if !strings.Contains(text, str) {
						t.Errorf("PDF lacks %q", str)
					}
				}
				for _, sh := range want.Activities {
					if d := privacy.FormatDate(sh.Created, "fr"); !strings.Contains(text, d) {
						t.Errorf("PDF lacks the date %s", d)
					}
				}
			})
		}
	})
}

func TestProcessorRegister(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		s.Instance = service.InstanceFacts{HostingProvider: "Scaleway", HostingCountry: "FR",
			Operator: privacy.Contact{Organisation: "Hébergeur SAS", Email: "ops@hebergeur.fr"}}
		ctx, _ := mustCreate(t, s, "Fleurs SARL", "owner@fleurs.fr")
		if _, err := s.ProcessorRegister(ctx, nil, "fr"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("an account reads the processor's register: %v", err)
		}
		sys := access.AsSystem(context.Background())
		p, err := s.ProcessorRegister(sys, nil, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Controllers) != 1 || p.Controllers[0].Name != "Fleurs SARL" || p.Operator.Organisation != "Hébergeur SAS" {
			t.Fatalf("%+v", p)
		}
		out, err := s.ExportProcessorRegister(sys, nil, "pdf", "fr")
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, out.Data)
		for _, want := range []string{"Hébergeur SAS", "Fleurs SARL", "Scaleway"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q", want)
			}
		}
	})
}
