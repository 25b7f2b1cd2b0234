package web

import (
	"net/http"
	"strconv"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// roleOption is a role offered in a select.
type roleOption struct {
	Key   string
	Label string // message id for ready-made roles, the name for custom ones
	Plain bool   // Label is a name, not a message id
}

type usersPage struct {
	Page
	Members     []identity.Member
	Invitations []identity.Invitation
	Roles       []roleOption
	Invite      struct{ Email, Role string }
	Grants      []identity.SupportGrant
	Errors      formErrors
	Problem     string // message of a refused change
}

// RoleName shows a role key the way people read it.
func (p usersPage) RoleName(key string) string {
	for _, r := range p.Roles {
		if r.Key == key {
			if r.Plain {
				return r.Label
			}
			return p.T(r.Label)
		}
	}
	return key
}

func (s *Server) roleOptions(r *http.Request) ([]roleOption, error) {
	var out []roleOption
	for _, k := range access.BuiltinRoles {
		out = append(out, roleOption{Key: k, Label: "role." + k})
	}
	custom, err := s.svc.Roles(r.Context())
	if err != nil {
		return nil, err
	}
	for _, c := range custom {
		out = append(out, roleOption{Key: c.Key(), Label: c.Name, Plain: true})
	}
	return out, nil
}

func (s *Server) usersData(r *http.Request) (*usersPage, error) {
	p := &usersPage{Page: s.basePage(r)}
	var err error
	if p.Members, err = s.svc.Members(r.Context()); err != nil {
		return nil, err
	}
	if p.Invitations, err = s.svc.Invitations(r.Context()); err != nil {
		return nil, err
	}
	if p.Roles, err = s.roleOptions(r); err != nil {
		return nil, err
	}
	if p.Grants, err = s.svc.SupportGrants(r.Context()); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) usersList(w http.ResponseWriter, r *http.Request) error {
	p, err := s.usersData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "users", p)
}

// usersProblem shows the Users page again with what went wrong.
func (s *Server) usersProblem(w http.ResponseWriter, r *http.Request, err error, fill func(p *usersPage)) error {
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Forbidden && k != errs.Conflict && k != errs.Unavailable {
		return err
	}
	p, derr := s.usersData(r)
	if derr != nil {
		return derr
	}
	p.Errors, p.Problem = fieldErrors(err), errs.MessageOf(err)
	if fill != nil {
		fill(p)
	}
	s.renderPage(w, r, statusOf[k], "users", p)
	return nil
}

func (s *Server) userInvite(w http.ResponseWriter, r *http.Request) error {
	email, role := r.PostFormValue("email"), r.PostFormValue("role")
	inv, err := s.svc.Invite(r.Context(), email, role, negotiate(r))
	if err != nil {
		return s.usersProblem(w, r, err, func(p *usersPage) { p.Invite.Email, p.Invite.Role = email, role })
	}
	if !inv.MailSent {
		return redirectAfterPost(w, r, "/users?notice=invited_unsent")
	}
	return redirectAfterPost(w, r, "/users?notice=invited")
}

// userChange applies one change to a member from the Users page.
func (s *Server) userChange(change func(r *http.Request, id int64) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if err := change(r, id); err != nil {
			return s.usersProblem(w, r, err, nil)
		}
		return redirectAfterPost(w, r, "/users?notice=saved")
	}
}

func (s *Server) routesForUsers(mux *patternMux) {
	mux.Handle("GET /users", s.user(s.usersList))
	mux.Handle("POST /users/invitations", s.user(s.userInvite))
	mux.Handle("POST /users/invitations/{id}/delete", s.user(s.userChange(func(r *http.Request, id int64) error {
		return s.svc.WithdrawInvitation(r.Context(), id)
	})))
	mux.Handle("POST /users/members/{id}/role", s.user(s.userChange(func(r *http.Request, id int64) error {
		return s.svc.SetMemberRole(r.Context(), id, r.PostFormValue("role"))
	})))
	mux.Handle("POST /users/members/{id}/disable", s.user(s.userChange(func(r *http.Request, id int64) error {
		return s.svc.SetMemberDisabled(r.Context(), id, true)
	})))
	mux.Handle("POST /users/members/{id}/enable", s.user(s.userChange(func(r *http.Request, id int64) error {
		return s.svc.SetMemberDisabled(r.Context(), id, false)
	})))
	mux.Handle("POST /users/members/{id}/remove", s.user(s.userChange(func(r *http.Request, id int64) error {
		return s.svc.RemoveMember(r.Context(), id)
	})))
	mux.Handle("GET /users/roles", s.user(s.rolesList))
	mux.Handle("POST /users/roles", s.user(s.roleSave))
	mux.Handle("GET /users/roles/{id}", s.user(s.roleForm))
	mux.Handle("POST /users/roles/{id}", s.user(s.roleSave))
	mux.Handle("GET /users/explain", s.user(s.explain))
	mux.Handle("GET /invitations/{token}", s.page(s.invitationPage))
	mux.Handle("POST /invitations/{token}", s.page(s.invitationAccept))
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
