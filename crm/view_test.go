package crm

import (
	"strings"
	"testing"

	"github.com/comptoir/comptoir/errs"
)

func TestSavedViewValidate(t *testing.T) {
	for _, tc := range []struct {
		name, viewName, query string
		wantQuery             string // the canonical query, when valid
		want                  string // field:code, space-separated, by field
	}{
		{"keys sorted", " Mes clients ", "role=client&q=h%C3%A9l%C3%A8ne&owner=me", "owner=me&q=h%C3%A9l%C3%A8ne&role=client", ""},
		{"leading question mark", "Bio", "?tag=bio", "tag=bio", ""},
		{"every filter", "Tout", "q=a&role=client&tag=b&city=Pau&owner=3&contact_before=2026-01-01&contact_after=2025-01-01&sort=newest&company_id=4",
			"city=Pau&company_id=4&contact_after=2025-01-01&contact_before=2026-01-01&owner=3&q=a&role=client&sort=newest&tag=b", ""},
		{"empty filters dropped", "Tous", "q=&role=", "", ""},
		{"no filter", "Tous", "", "", ""},
		{"first value kept", "Pau", "city=Pau&city=Bayonne", "city=Pau", ""},
		{"plus is a space", "Vrac", "q=vrac+bio", "q=vrac+bio", ""},
		{"name required", "  ", "tag=bio", "", "name:required"},
		{"name 60 characters", strings.Repeat("é", 60), "", "", ""},
		{"name too long", strings.Repeat("é", 61), "", "", "name:too_long"},
		{"pagination is no filter", "Page", "q=a&after=3", "", "query:unknown_filter"},
		{"unknown key", "X", "account_id=2", "", "query:unknown_filter"},
		{"malformed", "X", "q=%zz", "", "query:invalid_query"},
		{"query too long", "X", "q=" + strings.Repeat("a", 999), "", "query:too_long"},
		{"too long once encoded", "X", "q=" + strings.Repeat("é", 400), "", "query:too_long"},
		{"both", "", "x=1", "", "name:required query:unknown_filter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := SavedView{Name: tc.viewName, Query: tc.query}
			err := v.Validate()
			var got []string
			for _, f := range errs.FieldsOf(err) {
				got = append(got, f.Field+":"+f.Code)
			}
			if strings.Join(got, " ") != tc.want {
				t.Fatalf("codes = %v, want %q", got, tc.want)
			}
			if err == nil && (v.Query != tc.wantQuery || v.Name != strings.TrimSpace(tc.viewName)) {
				t.Errorf("not canonical: %q %q, want query %q", v.Name, v.Query, tc.wantQuery)
			}
		})
	}
	v := SavedView{Name: "X", Query: "ownr=me"}
	if f := errs.FieldsOf(v.Validate()); len(f) != 1 || !strings.Contains(f[0].Message, `"ownr"`) {
		t.Errorf("the error does not name the unknown key: %+v", f)
	}
}
