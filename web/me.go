package web

import (
	"net/http"
	"strconv"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

type mePage struct {
	Page
	Sessions []identity.Session
	Current  string // hash of this browser's session
	Tokens   []identity.APIToken
	Accounts []identity.Membership
	NewToken string // shown once, right after creation
	Errors   formErrors
	// RecoveryLeft counts the unused recovery codes of the second factor.
	RecoveryLeft int
}

func (s *Server) meData(r *http.Request) (*mePage, error) {
	p := &mePage{Page: s.basePage(r), Current: sessionHash(r)}
	var err error
	if p.Sessions, err = s.svc.MySessions(r.Context()); err != nil {
		return nil, err
	}
	if p.Tokens, err = s.svc.MyAPITokens(r.Context()); err != nil {
		return nil, err
	}
	if p.Accounts, err = s.svc.MyAccounts(r.Context()); err != nil {
		return nil, err
	}
	if p.RecoveryLeft, err = s.svc.RecoveryCodesLeft(r.Context()); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p, err := s.meData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "me", p)
}

// meProblem shows My account again with what is wrong in a form.
func (s *Server) meProblem(w http.ResponseWriter, r *http.Request, err error) error {
	if !errs.Is(err, errs.Invalid) {
		return err
	}
	p, derr := s.meData(r)
	if derr != nil {
		return derr
	}
	p.Errors = fieldErrors(err)
	s.renderPage(w, r, http.StatusUnprocessableEntity, "me", p)
	return nil
}

func (s *Server) mePassword(w http.ResponseWriter, r *http.Request) error {
	err := s.svc.ChangePassword(r.Context(), r.PostFormValue("current"), r.PostFormValue("password"),
		r.PostFormValue("end_others") != "", sessionHash(r))
	if err != nil {
		return s.meProblem(w, r, err)
	}
	return redirectAfterPost(w, r, "/me?notice=password_changed")
}

func (s *Server) meEndSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.EndMySession(r.Context(), r.PostFormValue("session")); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/me?notice=saved")
}

func (s *Server) meTokenCreate(w http.ResponseWriter, r *http.Request) error {
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	token, err := s.svc.CreateMyAPIToken(r.Context(), r.PostFormValue("name"), r.PostFormValue("scope"), days)
	if err != nil {
		return s.meProblem(w, r, err)
	}
	p, err := s.meData(r)
	if err != nil {
		return err
	}
	p.NewToken = token
	return s.render(w, r, "me", p)
}

func (s *Server) meTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.RevokeMyAPIToken(r.Context(), id); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/me?notice=saved")
}

func (s *Server) meSwitch(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PostFormValue("account_id"), 10, 64)
	token, sess, err := s.svc.SwitchAccount(r.Context(), id, sessionHash(r))
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, sess.ExpiresAt)
	return redirectAfterPost(w, r, "/")
}

func (s *Server) routesForMe(mux *patternMux) {
	mux.Handle("GET /me", s.user(s.me))
	mux.Handle("POST /me/password", s.user(s.mePassword))
	mux.Handle("POST /me/sessions/end", s.user(s.meEndSession))
	mux.Handle("POST /me/tokens", s.user(s.meTokenCreate))
	mux.Handle("POST /me/tokens/{id}/revoke", s.user(s.meTokenRevoke))
	mux.Handle("POST /me/switch", s.user(s.meSwitch))
	mux.Handle("POST /me/2fa", s.user(s.totpBegin))
	mux.Handle("POST /me/2fa/confirm", s.user(s.totpConfirm))
	mux.Handle("POST /me/2fa/disable", s.user(s.totpDisable))
	mux.Handle("POST /users/require-2fa", s.user(s.require2FA))
	mux.Handle("GET /login/2fa", s.page(s.loginTOTPForm))
	mux.Handle("POST /login/2fa", s.page(s.loginTOTP))
	mux.Handle("POST /users/members/{id}/end-sessions", s.user(s.userChange(func(r *http.Request, id int64) error {
		return s.svc.EndMemberSessions(r.Context(), id)
	})))
}
