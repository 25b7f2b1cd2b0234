package access

import "fmt"

// Reason explains why a member has or lacks a right, for the "who can see
// this?" screen.
type Reason struct {
	Allowed bool
	Why     string // message id, e.g. "access.why.role_grants"
	Role    string
	Scope   Scope
}

// Explain says whether r allows action a in module m (and, if info is not
// empty, whether that type of information is shown), and why.
func Explain(r Rights, m Module, a Action, info Info) Reason {
	switch {
	case r.system:
		return Reason{Allowed: true, Why: "access.why.system", Role: r.Role, Scope: All}
	case r.Role == RoleOwner:
		return Reason{Allowed: true, Why: "access.why.owner", Role: r.Role, Scope: All}
	case !r.Can(m, a):
		return Reason{Allowed: false, Why: "access.why.no_grant", Role: r.Role}
	case info != "" && !r.Sees(info):
		return Reason{Allowed: false, Why: "access.why.hidden", Role: r.Role}
	}
	return Reason{Allowed: true, Why: fmt.Sprintf("access.why.grant_%s", r.ScopeOf(m)), Role: r.Role, Scope: r.ScopeOf(m)}
}
