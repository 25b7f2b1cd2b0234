package service_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestContactSearchFilters runs the same searches on both engines, whose
// full-text indexes differ (FTS5 trigram, pg_trgm), and expects the same
// answers.
func TestContactSearchFilters(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		other, _ := mustCreate(t, s, "Beta", "beta@example.fr")
		for _, in := range []crm.Input{
			{LastName: ptr("Dupré"), FirstName: ptr("Hélène"), Address: addr("Bayonne"), Tags: ptr([]string{"bio"})},
			{LastName: ptr("Lefèvre"), FirstName: ptr("Jérôme"), Address: addr("BAYONNE"), Email: ptr("jerome@vrac.example")},
			{Kind: ptr(crm.Company), CompanyName: ptr("Moulin de l'Adour"), Address: addr("Dax"), Phone: ptr("05 58 12 34 56")},
			{LastName: ptr("Hélias"), FirstName: ptr("Yann"), Address: addr("Paulhac")},
		} {
			if _, err := s.CreateContact(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		// Another account's namesake must never show.
		if _, err := s.CreateContact(other, crm.Input{LastName: ptr("Dupré"), FirstName: ptr("Hélène")}); err != nil {
			t.Fatal(err)
		}
		yesterday, tomorrow := time.Now().Add(-24*time.Hour), time.Now().Add(24*time.Hour)
		for _, tc := range []struct {
			name string
			f    crm.Filter
			want string
		}{
			{"part of a word, no accent", crm.Filter{Query: "lene"}, "Hélène Dupré"},
			{"two words, any order", crm.Filter{Query: "dupre hel"}, "Hélène Dupré"},
			{"short word", crm.Filter{Query: "du"}, "Hélène Dupré"},
			{"one letter, anywhere", crm.Filter{Query: "x"}, "Jérôme Lefèvre, Moulin de l'Adour"},
			{"upper case and accents", crm.Filter{Query: "MOULIN ADOUR"}, "Moulin de l'Adour"},
			{"e-mail", crm.Filter{Query: "vrac.exa"}, "Jérôme Lefèvre"},
			{"phone without spaces", crm.Filter{Query: "0558123"}, "Moulin de l'Adour"},
			{"quotes are text", crm.Filter{Query: `"adour`}, ""},
			{"nothing", crm.Filter{Query: "zzzz"}, ""},
			{"city, any case", crm.Filter{City: "bayonne"}, "Hélène Dupré, Jérôme Lefèvre"},
			{"city is whole", crm.Filter{City: "Pau"}, ""},
			{"city and search", crm.Filter{City: "Bayonne", Query: "jer"}, "Jérôme Lefèvre"},
			{"tag", crm.Filter{Tag: "bio"}, "Hélène Dupré"},
			{"no contact since tomorrow", crm.Filter{ContactBefore: &tomorrow, Query: "he"}, "Hélène Dupré, Yann Hélias"},
			{"no contact since yesterday", crm.Filter{ContactBefore: &yesterday}, ""},
			{"contacted since yesterday", crm.Filter{ContactAfter: &yesterday}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := names(t, s, ctx, tc.f); got != tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			})
		}
		// Newest first, page by page with the keyset.
		f := crm.Filter{Sort: crm.SortNewest, Limit: 3}
		first, err := s.Contacts(ctx, f)
		if err != nil || len(first) != 3 || first[0].LastName != "Hélias" {
			t.Fatalf("newest first: %v %v", first, err)
		}
		f.AfterKey, f.AfterID = f.KeyOf(first[2]), first[2].ID
		if rest, err := s.Contacts(ctx, f); err != nil || len(rest) != 1 || rest[0].LastName != "Dupré" {
			t.Errorf("next page: %v %v", rest, err)
		}
	})
}

func addr(city string) *account.Address { return &account.Address{City: city, Country: "FR"} }

func names(t *testing.T, s *service.Service, ctx context.Context, f crm.Filter) string {
	t.Helper()
	list, err := s.Contacts(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range list {
		out = append(out, c.DisplayName())
	}
	return strings.Join(out, ", ")
}

// TestImportDuplicates: rows sharing an e-mail, a SIRET or a phone number
// (however written) with a contact or an earlier row are skipped, also
// across the import's batches.
func TestImportDuplicates(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		if _, err := s.CreateContact(ctx, crm.Input{LastName: ptr("Dupré"), Phone: ptr("06 12 34 56 78")}); err != nil {
			t.Fatal(err)
		}
		var csv strings.Builder
		csv.WriteString("Nom;E-mail;Téléphone;SIRET\n")
		csv.WriteString("Dupré bis;;+33 6 12 34 56 78;\n")  // the same phone, international
		csv.WriteString("Moulin;;;73282932000074\n")        // new
		csv.WriteString("Moulin bis;;;732 829 320 00074\n") // the same SIRET as the row above
		for i := range 1200 {                               // beyond one batch
			csv.WriteString("Client " + string(rune('a'+i%26)) + ";c" + strconv.Itoa(i) + "@example.fr;;\n")
		}
		csv.WriteString("Encore;C7@EXAMPLE.FR;;\n") // an e-mail of an earlier batch
		rep, err := s.ImportContacts(ctx, strings.NewReader(csv.String()), service.ImportOptions{})
		if err != nil || !rep.Applied {
			t.Fatalf("import: %+v %v", rep, err)
		}
		if rep.Created != 1201 || rep.Duplicates != 3 {
			t.Errorf("created %d, duplicates %d; want 1201 and 3", rep.Created, rep.Duplicates)
		}
	})
}

// TestCommonWordSearch: a word in more contacts than commonMatches takes
// the other path (walk or sort, as the planner says); the page is the
// same first names in order.
func TestCommonWordSearch(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		var file bytes.Buffer
		if err := demo.WriteContacts(&file, 7, 5200); err != nil {
			t.Fatal(err)
		}
		if rep, err := s.ImportContacts(ctx, &file, service.ImportOptions{}); err != nil || rep.Created != 5200 {
			t.Fatalf("import: %+v %v", rep.Created, err)
		}
		all, err := s.Contacts(ctx, crm.Filter{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		// Every generated e-mail is at example.fr: a common word.
		common, err := s.Contacts(ctx, crm.Filter{Query: "exampl", Limit: 20})
		if err != nil || len(common) != 20 {
			t.Fatalf("common word: %d %v", len(common), err)
		}
		for i := range common {
			if common[i].ID != all[i].ID {
				t.Fatalf("row %d: %s, want %s", i, common[i].DisplayName(), all[i].DisplayName())
			}
		}
		rare := all[7]
		got := names(t, s, ctx, crm.Filter{Query: "exampl " + strings.SplitN(rare.Email, "@", 2)[0]})
		if got != rare.DisplayName() {
			t.Errorf("common and rare word: %q, want %q", got, rare.DisplayName())
		}
	})
}
