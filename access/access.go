// Package access holds the rights model of the register's "habilitations":
// what each member of an account may do, per module, per action and per
// type of information, with a scope (every record, or only their own).
// Ready-made roles cover the usual jobs; an owner may define custom ones.
//
// Rights travel in the request context and are checked by Require, the one
// choke point that every use case calls. It fails closed: a context with
// no rights may do nothing, except the system (commands run by the
// instance's operator on their own machine), marked explicitly.
package access

import (
	"context"
	"slices"

	"github.com/comptoir/comptoir/errs"
)

// Module is an area of the application.
type Module string

// The modules rights are given on.
const (
	Contacts   Module = "contacts"
	Sales      Module = "sales"
	Purchases  Module = "purchases"
	Deliveries Module = "deliveries"
	Support    Module = "support"
	POS        Module = "pos"
	Privacy    Module = "privacy"
	Settings   Module = "settings"
	Users      Module = "users"
	Activity   Module = "activity"
)

// Modules lists every module, in the order screens show them.
var Modules = []Module{Contacts, Sales, Purchases, Deliveries, Support, POS, Privacy, Settings, Users, Activity}

// Action is something done in a module.
type Action string

// The actions.
const (
	View   Action = "view"
	Create Action = "create"
	Edit   Action = "edit"
	Delete Action = "delete"
	Send   Action = "send"   // send by e-mail
	Issue  Action = "issue"  // validate / issue a document
	Pay    Action = "pay"    // record a payment
	Export Action = "export" // export data
)

// Actions lists every action.
var Actions = []Action{View, Create, Edit, Delete, Send, Issue, Pay, Export}

// Info is a type of information that can be hidden from a role.
type Info string

// The types of information.
const (
	Identity Info = "identity" // personal identity fields of people
	Bank     Info = "bank"     // bank details
	Amounts  Info = "amounts"  // amounts and margins
	Notes    Info = "notes"    // conversation notes
)

// Infos lists every type of information.
var Infos = []Info{Identity, Bank, Amounts, Notes}

// Scope limits a grant to some records.
type Scope string

// The scopes.
const (
	All Scope = "all" // every record of the account
	Own Scope = "own" // only records the member owns
)

// Grant is what a role may do in one module.
type Grant struct {
	Actions []Action `json:"actions"`
	Scope   Scope    `json:"scope"`
}

// Rights is what a member may do: grants per module and the types of
// information hidden from them.
type Rights struct {
	Role   string           `json:"role"`
	Grants map[Module]Grant `json:"grants"`
	Hidden []Info           `json:"hidden"`
	system bool
}

// Can reports whether the rights allow action in module.
func (r Rights) Can(m Module, a Action) bool {
	if r.system {
		return true
	}
	g, ok := r.Grants[m]
	return ok && slices.Contains(g.Actions, a)
}

// Sees reports whether information of type i is shown.
func (r Rights) Sees(i Info) bool { return r.system || !slices.Contains(r.Hidden, i) }

// ScopeOf returns the scope of the grant on module m.
func (r Rights) ScopeOf(m Module) Scope {
	if r.system {
		return All
	}
	if g, ok := r.Grants[m]; ok && g.Scope == Own {
		return Own
	}
	return All
}

type ctxKey struct{}

// WithRights returns ctx carrying r.
func WithRights(ctx context.Context, r Rights) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// AsSystem marks ctx as acting for the instance itself: commands run by the
// operator on the server, the demo, scheduled jobs. Never from a request.
func AsSystem(ctx context.Context) context.Context {
	return WithRights(ctx, Rights{Role: "system", system: true})
}

// IsSystem reports whether ctx acts for the instance itself.
func IsSystem(ctx context.Context) bool { return From(ctx).system }

// From returns the rights in ctx; none if there are none.
func From(ctx context.Context) Rights {
	r, _ := ctx.Value(ctxKey{}).(Rights)
	return r
}

// Require is the choke point: it returns Forbidden unless the rights in ctx
// allow action in module.
func Require(ctx context.Context, m Module, a Action) error {
	if From(ctx).Can(m, a) {
		return nil
	}
	return &errs.Error{Op: "access.Require", Kind: errs.Forbidden,
		Message: "you do not have the right to " + string(a) + " in " + string(m)}
}
