package access

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
)

// Ready-made roles.
const (
	RoleOwner      = "owner"
	RoleManager    = "manager"
	RoleSales      = "sales"
	RoleAccountant = "accountant"
	RoleSupport    = "support"
	RoleCashier    = "cashier"
)

// BuiltinRoles lists the ready-made roles in the order screens show them.
var BuiltinRoles = []string{RoleOwner, RoleManager, RoleSales, RoleAccountant, RoleSupport, RoleCashier}

func grant(scope Scope, actions ...Action) Grant { return Grant{Actions: actions, Scope: scope} }

var everything = []Action{View, Create, Edit, Delete, Send, Issue, Pay, Export}

// builtin returns the rights of a ready-made role.
func builtin(role string) (Rights, bool) {
	g := map[Module]Grant{}
	var hidden []Info
	switch role {
	case RoleOwner:
		for _, m := range Modules {
			g[m] = grant(All, everything...)
		}
	case RoleManager:
		for _, m := range Modules {
			g[m] = grant(All, everything...)
		}
		g[Users] = grant(All, View)
	case RoleSales:
		g[Contacts] = grant(Own, View, Create, Edit, Send, Export)
		g[Sales] = grant(Own, View, Create, Edit, Send, Issue)
		g[Deliveries] = grant(All, View, Create, Edit, Send)
		g[Support] = grant(All, View, Create, Edit)
		hidden = []Info{Bank}
	case RoleAccountant:
		// Read-only on books and documents, exports, no CRM notes.
		for _, m := range []Module{Contacts, Sales, Purchases, Deliveries, POS} {
			g[m] = grant(All, View, Export)
		}
		g[Activity] = grant(All, View, Export)
		hidden = []Info{Notes}
	case RoleSupport:
		g[Contacts] = grant(All, View, Edit)
		g[Support] = grant(All, View, Create, Edit, Delete, Send)
		g[Sales] = grant(All, View)
		g[Deliveries] = grant(All, View)
		hidden = []Info{Bank, Amounts}
	case RoleCashier:
		g[POS] = grant(All, View, Create, Pay)
		g[Contacts] = grant(All, View, Create)
		hidden = []Info{Bank}
	default:
		return Rights{}, false
	}
	return Rights{Role: role, Grants: g, Hidden: hidden}, true
}

// Builtin returns the rights of a ready-made role.
func Builtin(role string) (Rights, bool) { return builtin(role) }

// IsBuiltin reports whether role is a ready-made role.
func IsBuiltin(role string) bool {
	_, ok := builtin(role)
	return ok
}

// CustomRole is a role an owner defined for their account.
type CustomRole struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Rights Rights `json:"rights"`
}

// Key is how memberships name a custom role.
func (c CustomRole) Key() string { return "custom:" + strconv.FormatInt(c.ID, 10) }

// Validate checks a custom role: a name, known modules, actions, scopes and
// types of information. Users management stays with owners and managers.
func (c *CustomRole) Validate() error {
	var f errs.Fields
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		f.Add("name", "required", "a role needs a name")
	} else if utf8.RuneCountInString(c.Name) > 60 {
		f.Add("name", "too_long", "a role name has at most 60 characters")
	}
	for m, g := range c.Rights.Grants {
		if !contains(Modules, m) {
			f.Add("grants", "unknown_module", "unknown module "+string(m))
		}
		for _, a := range g.Actions {
			if !contains(Actions, a) {
				f.Add("grants", "unknown_action", "unknown action "+string(a))
			}
		}
		if g.Scope != All && g.Scope != Own {
			f.Add("grants", "unknown_scope", "scope must be all or own")
		}
		viewOnly := len(g.Actions) == 1 && g.Actions[0] == View
		if m == Users && len(g.Actions) > 0 && !viewOnly {
			f.Add("grants", "users_reserved", "only owners and managers manage users")
		}
	}
	for _, i := range c.Rights.Hidden {
		if !contains(Infos, i) {
			f.Add("hidden", "unknown_info", "unknown type of information "+string(i))
		}
	}
	return f.Err("access.CustomRole.Validate")
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
