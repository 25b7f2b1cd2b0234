package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestMergeDuplicates: two records of one person become one; the chosen
// fields win, exchanges move, the duplicate is gone, and the log says so.
func TestMergeDuplicates(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		var keep, dup struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"first_name": "Hélène", "last_name": "Dupré", "tags": []string{"bio"}, "is_client": true}).JSON(t, &keep)
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"first_name": "Helene", "last_name": "Dupre", "email": "helene@example.fr", "tags": []string{"vrac"}}).JSON(t, &dup)
		a.api("POST", "/api/v1/contacts/"+formatInt(dup.ID)+"/conversations", A.Token, map[string]any{"kind": "call", "subject": "Premier appel"})

		form := doc(t, a.get(A.Browser, "/contacts/merge?keep="+formatInt(keep.ID)+"&dup="+formatInt(dup.ID)))
		if form.Find(`#merge-fields tr[data-field=email]`).Length() != 1 || form.Find(`#merge-fields tr[data-field=last_name]`).Length() != 1 {
			t.Fatalf("merge form: %s", form.Find("main").Text())
		}
		r := a.post(A.Browser, "/contacts/merge", url.Values{"keep": {formatInt(keep.ID)}, "dup": {formatInt(dup.ID)},
			"take.email": {"dup"}, "take.last_name": {"keep"}, "take.first_name": {"keep"}})
		if r.Status != 303 {
			t.Fatalf("merge: %d %.300s", r.Status, r.Body)
		}
		got := a.api("GET", "/api/v1/contacts/"+formatInt(keep.ID), A.Token, nil)
		for _, want := range []string{`"email":"helene@example.fr"`, `"last_name":"Dupré"`, `"tags":["bio","vrac"]`, `"is_client":true`} {
			if !strings.Contains(got.Body, want) {
				t.Errorf("survivor lacks %s: %s", want, got.Body)
			}
		}
		if r := a.api("GET", "/api/v1/contacts/"+formatInt(dup.ID), A.Token, nil); r.Status != 404 {
			t.Errorf("duplicate still there: %d", r.Status)
		}
		if r := a.api("GET", "/api/v1/contacts/"+formatInt(keep.ID)+"/conversations", A.Token, nil); !strings.Contains(r.Body, "Premier appel") {
			t.Errorf("conversations did not move: %s", r.Body)
		}
		if r := a.api("POST", "/api/v1/contacts/"+formatInt(keep.ID)+"/merge", A.Token, map[string]any{"duplicate_id": keep.ID}); r.Status != 422 {
			t.Errorf("merge with itself: %d", r.Status)
		}
		if log := activityOf(t, a, A.Token); log[0] != "contacts merge contact" {
			t.Errorf("activity: %v", log[:2])
		}
	})
}
