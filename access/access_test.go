package access

import (
	"context"
	"testing"

	"github.com/comptoir/comptoir/errs"
)

func TestRequireFailsClosed(t *testing.T) {
	if err := Require(context.Background(), Settings, View); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("no rights in context: %v", err)
	}
	if err := Require(AsSystem(context.Background()), Users, Delete); err != nil {
		t.Fatalf("system: %v", err)
	}
}

func TestBuiltinRoles(t *testing.T) {
	tests := []struct {
		role   string
		module Module
		action Action
		can    bool
	}{
		{RoleOwner, Users, Delete, true},
		{RoleManager, Users, Edit, false},
		{RoleManager, Sales, Issue, true},
		{RoleSales, Sales, Issue, true},
		{RoleSales, Settings, View, false},
		{RoleAccountant, Sales, View, true},
		{RoleAccountant, Sales, Edit, false},
		{RoleAccountant, Activity, Export, true},
		{RoleSupport, Support, Delete, true},
		{RoleSupport, Sales, Create, false},
		{RoleCashier, POS, Pay, true},
		{RoleCashier, Sales, View, false},
	}
	for _, tt := range tests {
		r, ok := Builtin(tt.role)
		if !ok {
			t.Fatalf("no role %s", tt.role)
		}
		if got := r.Can(tt.module, tt.action); got != tt.can {
			t.Errorf("%s %s %s = %v, want %v", tt.role, tt.action, tt.module, got, tt.can)
		}
	}
	sales, _ := Builtin(RoleSales)
	acc, _ := Builtin(RoleAccountant)
	if sales.Sees(Bank) || acc.Sees(Notes) || !acc.Sees(Amounts) || sales.ScopeOf(Contacts) != Own {
		t.Error("hidden information or scope wrong")
	}
	if _, ok := Builtin("admin"); ok || IsBuiltin("custom:1") {
		t.Error("unknown roles accepted")
	}
}

func TestCustomRoleValidate(t *testing.T) {
	good := CustomRole{Name: " Stagiaire ", Rights: Rights{Grants: map[Module]Grant{Contacts: {Actions: []Action{View}, Scope: Own}, Users: {Actions: []Action{View}, Scope: All}}, Hidden: []Info{Bank}}}
	if err := good.Validate(); err != nil || good.Name != "Stagiaire" {
		t.Fatalf("valid role: %v", err)
	}
	bad := CustomRole{Rights: Rights{Grants: map[Module]Grant{"spaceship": {Actions: []Action{"fly"}, Scope: "some"}, Users: {Actions: []Action{Edit}, Scope: All}}, Hidden: []Info{"dreams"}}}
	got := map[string]bool{}
	for _, f := range errs.FieldsOf(bad.Validate()) {
		got[f.Code] = true
	}
	for _, code := range []string{"required", "unknown_module", "unknown_action", "unknown_scope", "users_reserved", "unknown_info"} {
		if !got[code] {
			t.Errorf("missing %s in %v", code, got)
		}
	}
	if (CustomRole{ID: 12}).Key() != "custom:12" {
		t.Error("Key")
	}
}

func TestExplain(t *testing.T) {
	owner, _ := Builtin(RoleOwner)
	sales, _ := Builtin(RoleSales)
	for _, tt := range []struct {
		r       Rights
		m       Module
		a       Action
		i       Info
		allowed bool
		why     string
	}{
		{owner, Users, Delete, "", true, "access.why.owner"},
		{sales, Settings, View, "", false, "access.why.no_grant"},
		{sales, Contacts, View, Bank, false, "access.why.hidden"},
		{sales, Contacts, View, "", true, "access.why.grant_own"},
		{sales, Deliveries, View, "", true, "access.why.grant_all"},
	} {
		got := Explain(tt.r, tt.m, tt.a, tt.i)
		if got.Allowed != tt.allowed || got.Why != tt.why {
			t.Errorf("%s %s %s %s: %+v", tt.r.Role, tt.a, tt.m, tt.i, got)
		}
	}
}
