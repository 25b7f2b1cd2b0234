package web

import (
	"net/http"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/errs"
)

type rolesPage struct {
	Page
	Roles   []access.CustomRole
	Form    access.CustomRole
	Errors  formErrors
	Modules []access.Module
	Actions []access.Action
	Infos   []access.Info
}

// Has reports whether the form's role grants action a in module m.
func (p rolesPage) Has(m access.Module, a access.Action) bool { return p.Form.Rights.Can(m, a) }

// Own reports whether the form's grant on m is limited to own records.
func (p rolesPage) Own(m access.Module) bool { return p.Form.Rights.ScopeOf(m) == access.Own }

// Hides reports whether the form's role hides information i.
func (p rolesPage) Hides(i access.Info) bool { return !p.Form.Rights.Sees(i) }

func (s *Server) rolesData(r *http.Request, form access.CustomRole) (*rolesPage, error) {
	roles, err := s.svc.Roles(r.Context())
	if err != nil {
		return nil, err
	}
	return &rolesPage{Page: s.basePage(r), Roles: roles, Form: form,
		Modules: access.Modules, Actions: access.Actions, Infos: access.Infos}, nil
}

func (s *Server) rolesList(w http.ResponseWriter, r *http.Request) error {
	p, err := s.rolesData(r, access.CustomRole{})
	if err != nil {
		return err
	}
	return s.render(w, r, "roles", p)
}

func (s *Server) roleForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.rolesData(r, access.CustomRole{})
	if err != nil {
		return err
	}
	for _, role := range p.Roles {
		if role.ID == id {
			p.Form = role
			return s.render(w, r, "roles", p)
		}
	}
	return errs.E("web.roleForm", errs.NotFound, "no such role")
}

// roleFromForm reads the rights matrix: grant.<module>.<action> checkboxes,
// own.<module> for the scope, hide.<info> for hidden information.
func roleFromForm(r *http.Request) access.CustomRole {
	role := access.CustomRole{ID: atoi64(r.PathValue("id")), Name: r.PostFormValue("name"),
		Rights: access.Rights{Grants: map[access.Module]access.Grant{}}}
	for _, m := range access.Modules {
		g := access.Grant{Scope: access.All}
		if r.PostFormValue("own."+string(m)) != "" {
			g.Scope = access.Own
		}
		for _, a := range access.Actions {
			if r.PostFormValue("grant."+string(m)+"."+string(a)) != "" {
				g.Actions = append(g.Actions, a)
			}
		}
		if len(g.Actions) > 0 {
			role.Rights.Grants[m] = g
		}
	}
	for _, i := range access.Infos {
		if r.PostFormValue("hide."+string(i)) != "" {
			role.Rights.Hidden = append(role.Rights.Hidden, i)
		}
	}
	return role
}

func (s *Server) roleSave(w http.ResponseWriter, r *http.Request) error {
	role := roleFromForm(r)
	if r.PathValue("id") != "" && role.ID <= 0 {
		return errs.E("web.roleSave", errs.NotFound, "no such role")
	}
	if _, err := s.svc.SaveRole(r.Context(), role); err != nil {
		if !errs.Is(err, errs.Invalid) {
			return err
		}
		p, derr := s.rolesData(r, role)
		if derr != nil {
			return derr
		}
		p.Errors = fieldErrors(err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "roles", p)
		return nil
	}
	return redirectAfterPost(w, r, "/users/roles?notice=saved")
}

type explainPage struct {
	Page
	Module  access.Module
	Action  access.Action
	Info    access.Info
	Lines   []explainLine
	Modules []access.Module
	Actions []access.Action
	Infos   []access.Info
}

type explainLine struct {
	Email, Role string
	Allowed     bool
	Why         string
}

// explain answers "who can do this?" for a module, an action and
// optionally a type of information.
func (s *Server) explain(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := &explainPage{Page: s.basePage(r), Module: access.Module(q.Get("module")), Action: access.Action(q.Get("action")),
		Info: access.Info(q.Get("info")), Modules: access.Modules, Actions: access.Actions, Infos: access.Infos}
	if p.Module == "" {
		p.Module, p.Action = access.Contacts, access.View
	}
	reasons, err := s.svc.Explain(r.Context(), p.Module, p.Action, p.Info)
	if err != nil {
		return err
	}
	roles, err := s.roleOptions(r)
	if err != nil {
		return err
	}
	names := usersPage{Page: p.Page, Roles: roles}
	for _, mr := range reasons {
		p.Lines = append(p.Lines, explainLine{Email: mr.Member.Email, Role: names.RoleName(mr.Member.Role), Allowed: mr.Reason.Allowed, Why: mr.Reason.Why})
	}
	return s.render(w, r, "explain", p)
}
