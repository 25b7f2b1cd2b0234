package service_test

import (
	"strings"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// fieldCode returns "field:code" of err's first field error.
func fieldCode(err error) string {
	if f := errs.FieldsOf(err); len(f) > 0 {
		return f[0].Field + ":" + f[0].Code
	}
	return ""
}

func TestAddresses(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		ctxB, _ := mustCreate(t, s, "Beta", "beta@example.fr")
		c, err := s.CreateContact(ctx, crm.Input{LastName: ptr("Dupré")})
		if err != nil {
			t.Fatal(err)
		}
		add := func(kind, city string, def bool) crm.Address {
			t.Helper()
			a, err := s.AddAddress(ctx, c.ID, crm.AddressInput{Kind: ptr(kind), City: ptr(city), PostalCode: ptr("64100"), IsDefault: ptr(def)})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		first := add("delivery", "Bayonne", true)
		second := add("delivery", "Anglet", true)
		add("billing", "Biarritz", true)
		list, err := s.Addresses(ctx, c.ID)
		if err != nil || len(list) != 3 {
			t.Fatalf("list: %v %v", list, err)
		}
		var got []string
		for _, a := range list {
			got = append(got, a.Kind+":"+a.City+":"+map[bool]string{true: "default", false: "-"}[a.IsDefault])
		}
		// One default per kind: the newest delivery address took it.
		if want := "billing:Biarritz:default delivery:Anglet:default delivery:Bayonne:-"; strings.Join(got, " ") != want {
			t.Errorf("addresses = %v, want %s", got, want)
		}
		if _, err := s.AddAddress(ctx, c.ID, crm.AddressInput{Kind: ptr("home")}); fieldCode(err) != "kind:invalid_kind" {
			t.Errorf("invalid kind: %v", err)
		}
		up, err := s.UpdateAddress(ctx, first.ID, crm.AddressInput{Label: ptr("Entrepôt"), IsDefault: ptr(true)})
		if err != nil || up.Label != "Entrepôt" || !up.IsDefault {
			t.Fatalf("update: %+v %v", up, err)
		}
		if a, _ := s.Address(ctx, second.ID); a.IsDefault {
			t.Error("two default delivery addresses")
		}
		if _, err := s.UpdateAddress(ctx, first.ID, crm.AddressInput{Country: ptr("France")}); fieldCode(err) != "country:invalid_country" {
			t.Errorf("invalid country: %v", err)
		}

		// Another account finds nothing, with A's ids.
		if _, err := s.Addresses(ctxB, c.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B lists A's addresses: %v", err)
		}
		if _, err := s.AddAddress(ctxB, c.ID, crm.AddressInput{Kind: ptr("other"), City: ptr("Pau")}); !errs.Is(err, errs.NotFound) {
			t.Errorf("B adds to A's contact: %v", err)
		}
		if _, err := s.UpdateAddress(ctxB, first.ID, crm.AddressInput{City: ptr("Pau")}); !errs.Is(err, errs.NotFound) {
			t.Errorf("B changes A's address: %v", err)
		}
		if err := s.DeleteAddress(ctxB, first.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's address: %v", err)
		}
		// A role that cannot edit contacts cannot change their addresses.
		accountant, _ := access.Builtin(access.RoleAccountant)
		if _, err := s.AddAddress(access.WithRights(ctx, accountant), c.ID, crm.AddressInput{Kind: ptr("other"), City: ptr("Pau")}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("accountant adds an address: %v", err)
		}

		if err := s.DeleteAddress(ctx, second.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Address(ctx, second.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("deleted address: %v", err)
		}
		log, _ := s.Activity(ctx, activityFilter(20))
		var actions []string
		for _, e := range log[:6] {
			if e.RecordID != c.ID || e.RecordType != "contact" {
				t.Errorf("entry not on the contact: %+v", e)
			}
			actions = append(actions, e.Action)
		}
		if want := "delete_address update_address add_address add_address add_address create"; strings.Join(actions, " ") != want {
			t.Errorf("activity = %v, want %s", actions, want)
		}
	})
}

func TestPeopleOfACompany(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		ctxB, _ := mustCreate(t, s, "Beta", "beta@example.fr")
		company, _ := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Moulin")})
		other, _ := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Fournil")})
		foreign, _ := s.CreateContact(ctxB, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("B's")})
		lou, err := s.CreateContact(ctx, crm.Input{FirstName: ptr("Lou"), LastName: ptr("Pons"), CompanyID: ptr(company.ID)})
		if err != nil || lou.CompanyID != company.ID {
			t.Fatalf("attach on create: %+v %v", lou, err)
		}
		for name, tc := range map[string]struct {
			in   crm.Input
			want string
		}{
			"a person is no company":        {crm.Input{CompanyID: ptr(lou.ID)}, "company_id:unknown_company"},
			"another account's company":     {crm.Input{CompanyID: ptr(foreign.ID)}, "company_id:unknown_company"},
			"a company that does not exist": {crm.Input{CompanyID: ptr(int64(1 << 40))}, "company_id:unknown_company"},
		} {
			if _, err := s.CreateContact(ctx, crm.Input{LastName: ptr("X"), CompanyID: tc.in.CompanyID}); fieldCode(err) != tc.want {
				t.Errorf("%s: %v, want %s", name, err, tc.want)
			}
		}
		if _, err := s.UpdateContact(ctx, other.ID, crm.Input{CompanyID: ptr(company.ID)}); fieldCode(err) != "company_id:not_a_person" {
			t.Errorf("a company attached: %v", err)
		}
		if _, err := s.UpdateContact(ctx, company.ID, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Moulin")}); fieldCode(err) != "kind:has_people" {
			t.Errorf("a company with people became a person: %v", err)
		}
		people, err := s.People(ctx, company.ID)
		if err != nil || len(people) != 1 || people[0].ID != lou.ID {
			t.Fatalf("people: %v %v", people, err)
		}
		if list, _ := s.Contacts(ctx, crm.Filter{Kind: crm.Company}); len(list) != 2 {
			t.Errorf("companies: %v", list)
		}

		// Deleting the company keeps its people, detached.
		if err := s.DeleteContact(ctx, company.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Contact(ctx, lou.ID); err != nil || got.CompanyID != 0 {
			t.Errorf("after the company's deletion: %+v %v", got, err)
		}
		if log, _ := s.Activity(ctx, activityFilter(1)); len(log[0].Changes) != 1 || log[0].Changes[0].Field != "people_detached" || log[0].Changes[0].After != "1" {
			t.Errorf("the deletion does not say its people were detached: %+v", log[0])
		}
		moved, err := s.UpdateContact(ctx, lou.ID, crm.Input{CompanyID: ptr(other.ID)})
		if err != nil || moved.CompanyID != other.ID {
			t.Fatalf("attach on update: %+v %v", moved, err)
		}
		if detached, err := s.UpdateContact(ctx, lou.ID, crm.Input{CompanyID: ptr(int64(0))}); err != nil || detached.CompanyID != 0 {
			t.Errorf("detach: %+v %v", detached, err)
		}
	})
}

// TestMergeMovesAddressesAndPeople: the duplicate company's addresses and
// people go to the survivor, which keeps its own default address.
func TestMergeMovesAddressesAndPeople(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		keep, _ := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Moulin")})
		dup, _ := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Moulin SARL")})
		lou, _ := s.CreateContact(ctx, crm.Input{LastName: ptr("Pons"), CompanyID: ptr(dup.ID)})
		for _, a := range []struct {
			id   int64
			city string
		}{{keep.ID, "Pau"}, {dup.ID, "Tarbes"}} {
			if _, err := s.AddAddress(ctx, a.id, crm.AddressInput{Kind: ptr("billing"), City: ptr(a.city), IsDefault: ptr(true)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddAddress(ctx, dup.ID, crm.AddressInput{Kind: ptr("delivery"), City: ptr("Lourdes"), IsDefault: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MergeContacts(ctx, keep.ID, dup.ID, nil); err != nil {
			t.Fatal(err)
		}
		list, _ := s.Addresses(ctx, keep.ID)
		var got []string
		for _, a := range list {
			got = append(got, a.City+map[bool]string{true: "*", false: ""}[a.IsDefault])
		}
		if want := "Pau* Tarbes Lourdes*"; strings.Join(got, " ") != want {
			t.Errorf("survivor's addresses = %v, want %s", got, want)
		}
		if c, _ := s.Contact(ctx, lou.ID); c.CompanyID != keep.ID {
			t.Errorf("person not moved to the survivor: %d", c.CompanyID)
		}
		// A person merged with their own company is left without one.
		if _, err := s.MergeContacts(ctx, lou.ID, keep.ID, nil); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.Contact(ctx, lou.ID); c.CompanyID != 0 {
			t.Errorf("person attached to a merged-away company: %d", c.CompanyID)
		}
	})
}
