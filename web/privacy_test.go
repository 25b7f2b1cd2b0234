package web

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
)

// samplePrivacyPages are the privacy pages with data that shows every part.
func samplePrivacyPages(p Page, at time.Time) map[string]any {
	f, _ := os.Open("../privacy/testdata/seed000.json")
	reg, _ := privacy.ImportRegister(f)
	_ = f.Close()
	reg.Activities[0].Retention = []privacy.Retention{{Category: "Clients", Policy: "clients", Period: &privacy.Period{Years: 6}}}
	reg.Activities[0].Transfers = []privacy.Transfer{{Recipient: "OVH", Country: "CA", Safeguard: "<b>SCC</b>"}}
	findings := privacy.Check(reg, privacy.DefaultPolicies, &privacy.Facts{Modules: []string{"sales", "pos"}, HostingCountry: "US", Processors: []string{"OVH"}})
	v := &privacy.Version{ID: 3, Author: "a@example.fr", Note: "import", CreatedAt: at}
	view := service.RegisterView{Register: reg, Findings: findings, Version: v}
	sheet := reg.Activities[0]
	sheet.Retention = append(sheet.Retention, privacy.Retention{})
	return map[string]any{
		"privacy":          &privacyHubPage{Page: p, Sections: privacySections},
		"privacy_register": &registerPage{Page: p, View: view, Register: reg, Findings: findingViews(p, reg, findings), Formats: service.ExportFormats, Problem: "activities[0].name : required"},
		"privacy_register_controller": &registerControllerPage{Page: p, Register: reg, Sections: sectionsText(reg.Sections),
			Errors: fieldErrors(errs.Fields{{Field: "title", Code: "too_long"}}.Err("t"))},
		"privacy_register_sheet": &registerSheetPage{Page: p, Sheet: sheet, Policies: []string{"clients", "prospects"}, Data: "Identité : nom",
			Errors: fieldErrors(errs.Fields{{Field: "name", Code: "required"}, {Field: "created", Code: "invalid_date"}, {Field: "retention", Code: "invalid_period"}}.Err("t"))},
		"privacy_register_history": &registerHistoryPage{Page: p, Versions: []privacy.Version{*v, {ID: 2, CreatedAt: at, Note: "api"}}, Formats: service.ExportFormats},
		"operator_register": &operatorRegisterPage{Page: p, Operator: identity.Operator{Email: "ops@example.fr"}, Formats: service.ExportFormats,
			Register: privacy.ProcessorRegister{Operator: privacy.Contact{Organisation: "Hébergeur"}, DPO: privacy.Contact{LastName: "Martin"},
				Controllers: []privacy.ControllerEntry{{AccountID: 1, Name: "A", Email: "a@example.fr"}}, Categories: []string{"Hébergement"},
				SubProcessors: []string{"OVH"}, Transfers: []privacy.Transfer{{Recipient: "OVH", Country: "CA"}}, Security: []string{"TLS"}}},
	}
}

// TestPrivacyPagesTranslated renders the privacy pages, and a past
// version of the register with its changes, in both languages: no
// message id of theirs is left untranslated.
func TestPrivacyPagesTranslated(t *testing.T) {
	s := newTestServer(t)
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	leftover := regexp.MustCompile(`\b(privacy|register)\.[a-z_]+(\.[a-z_]+)*\b`)
	for _, lang := range []string{"fr", "en"} {
		acc := account.New("Fleurs")
		v := &viewer{User: identity.User{Email: "a@example.fr"}, Membership: identity.Membership{AccountName: acc.Name}, Account: acc}
		p := owner(Page{translator: s.translator(lang), Viewer: v, Account: &acc, Path: "/privacy", Version: "test", assets: s.assets, loc: time.UTC})
		pages := samplePrivacyPages(p, at)
		old := *pages["privacy_register"].(*registerPage)
		old.PastVersion = &privacy.Version{ID: 2, CreatedAt: at}
		old.History = []activity.Entry{{At: at, Module: "privacy", Action: "update", RecordType: "register", RecordID: 2,
			Changes: []activity.Change{{Field: "activities.sales.legal_basis", After: "Contrat"}}}}
		for name, data := range map[string]any{"privacy_register#version": &old} {
			pages[name] = data
		}
		for name, data := range pages {
			var buf bytes.Buffer
			tmpl, _, _ := strings.Cut(name, "#")
			if err := s.pages[tmpl].Execute(&buf, data); err != nil {
				t.Fatalf("%s/%s: %v", lang, name, err)
			}
			out := buf.String()
			// Routes and form names such as /privacy/register are not ids.
			out = regexp.MustCompile(`(href|action|id|for|name|data-[a-z]+)="[^"]*"`).ReplaceAllString(out, "")
			if m := leftover.FindString(out); m != "" {
				t.Errorf("%s/%s: untranslated %q", lang, name, m)
			}
			if name == "privacy_register#version" && !strings.Contains(buf.String(), `id="history"`) {
				t.Errorf("%s: the version's changes are not shown", lang)
			}
		}
	}
}

func TestSectionsText(t *testing.T) {
	in := []privacy.Section{{Title: "Mesures de sécurité", Level: 1}, {Title: "Accès", Level: 2, Paragraphs: []string{"Un.", "Deux."}}, {Title: "Liste", Level: 1, Paragraphs: []string{"Cf module."}}}
	text := sectionsText(in)
	if got := parseSections(text); len(got) != 3 || got[1].Level != 2 || len(got[1].Paragraphs) != 2 || got[2].Paragraphs[0] != "Cf module." {
		t.Fatalf("%q → %+v", text, got)
	}
	if got := parseSections("Sans titre\n# T\nx"); len(got) != 2 || got[0].Title != "" || got[0].Paragraphs[0] != "Sans titre" {
		t.Fatalf("%+v", got)
	}
}

func TestFindingLinks(t *testing.T) {
	reg := privacy.Register{Activities: []privacy.Sheet{{Key: "sales", Name: "Ventes"}}}
	fs := privacy.Check(reg, privacy.DefaultPolicies, &privacy.Facts{Modules: []string{"sales", "support"}, BackupDestinations: 2})
	s := newTestServer(t)
	views := findingViews(Page{translator: s.translator("fr")}, reg, fs)
	var hrefs []string
	for _, v := range views {
		hrefs = append(hrefs, v.Code+"="+v.Href)
		if strings.HasPrefix(v.Message, "register.") {
			t.Errorf("untranslated %s", v.Message)
		}
	}
	got := strings.Join(hrefs, " ")
	for _, want := range []string{"controller_missing=/privacy/register/controller#f-controller_organisation", "legal_basis_missing=/privacy/register/sheets/sales#f-legal_basis",
		"retention_missing=/privacy/register/sheets/sales#f-retention", "module_without_sheet=#add-sheet"} {
		if !strings.Contains(got, want) {
			t.Errorf("links %s lack %s", got, want)
		}
	}
}
