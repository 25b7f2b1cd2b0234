package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// The operator console: the instance's accounts and health, never their
// data. Operators log in apart from users, with a cookie of their own.

func (s *Server) operatorCookie() string {
	if s.opts.SecureCookies {
		return "__Host-comptoir_operator"
	}
	return "comptoir_operator"
}

type operatorKey struct{}

// operator wraps a console handler that needs a logged-in operator.
func (s *Server) operator(fn handlerFunc) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request) error {
		c, err := r.Cookie(s.operatorCookie())
		if err != nil {
			http.Redirect(w, r, "/operator/login", http.StatusSeeOther)
			return nil
		}
		o, err := s.svc.Operator(r.Context(), c.Value)
		if err != nil {
			http.Redirect(w, r, "/operator/login", http.StatusSeeOther)
			return nil
		}
		return fn(w, r.WithContext(context.WithValue(r.Context(), operatorKey{}, o)))
	})
}

type operatorLoginPage struct {
	Page
	Email  string
	Failed bool
}

func (s *Server) operatorLoginForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "operator_login", &operatorLoginPage{Page: s.basePage(r)})
}

func (s *Server) operatorLogin(w http.ResponseWriter, r *http.Request) error {
	if !s.loginLimiter.allow(s.clientIP(r)) {
		return errTooManyRequests
	}
	email := r.PostFormValue("email")
	token, err := s.svc.OperatorLogin(r.Context(), email, r.PostFormValue("password"), s.clientIP(r))
	if k := errs.KindOf(err); err != nil && (k == errs.Unauthorized || k == errs.TooManyRequests) {
		s.renderPage(w, r, statusOf[k], "operator_login", &operatorLoginPage{Page: s.basePage(r), Email: email, Failed: true})
		return nil
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: s.operatorCookie(), Value: token, Path: "/", HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteStrictMode})
	return redirectAfterPost(w, r, "/operator")
}

func (s *Server) operatorLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(s.operatorCookie()); err == nil {
		if err := s.svc.OperatorLogout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.operatorCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.opts.SecureCookies})
	return redirectAfterPost(w, r, "/operator/login")
}

type operatorPage struct {
	Page
	Operator identity.Operator
	Accounts []account.Overview
	Engine   string
	Ready    bool
}

func (s *Server) operatorHome(w http.ResponseWriter, r *http.Request) error {
	o := r.Context().Value(operatorKey{}).(identity.Operator)
	list, err := s.svc.AccountsOverview(r.Context(), o)
	if err != nil {
		return err
	}
	return s.render(w, r, "operator", &operatorPage{Page: s.basePage(r), Operator: o, Accounts: list,
		Engine: string(s.svc.DB().Engine()), Ready: s.ready(r.Context()) == nil})
}

// operatorSupport opens a support session in the account of a live grant;
// the browser then acts in that account, marked as support everywhere.
func (s *Server) operatorSupport(w http.ResponseWriter, r *http.Request) error {
	o := r.Context().Value(operatorKey{}).(identity.Operator)
	id, err := strconv.ParseInt(r.PathValue("grant"), 10, 64)
	if err != nil {
		return errs.E("web.operatorSupport", errs.NotFound, "no such grant")
	}
	ctx := identity.WithActor(r.Context(), identity.Actor{IP: s.clientIP(r), UserAgent: r.UserAgent()})
	token, sess, err := s.svc.OpenSupportSession(ctx, o, id)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, sess.ExpiresAt)
	return redirectAfterPost(w, r, "/")
}

func (s *Server) supportGrant(w http.ResponseWriter, r *http.Request) error {
	hours, _ := strconv.Atoi(r.PostFormValue("hours"))
	if _, err := s.svc.GrantSupport(r.Context(), hours, r.PostFormValue("role")); err != nil {
		return s.usersProblem(w, r, err, nil)
	}
	return redirectAfterPost(w, r, "/users?notice=saved")
}

func (s *Server) routesForOperators(mux *patternMux) {
	mux.Handle("GET /operator/login", s.page(s.operatorLoginForm))
	mux.Handle("POST /operator/login", s.page(s.operatorLogin))
	mux.Handle("POST /operator/logout", s.page(s.operatorLogout))
	mux.Handle("GET /operator", s.operator(s.operatorHome))
	mux.Handle("POST /operator/support/{grant}", s.operator(s.operatorSupport))
	mux.Handle("GET /operator/backups", s.operator(s.operatorBackups))
	mux.Handle("POST /users/support", s.user(s.supportGrant))
	mux.Handle("POST /users/support/{id}/revoke", s.user(s.userChange(func(r *http.Request, id int64) error {
		return s.svc.RevokeSupport(r.Context(), id)
	})))
}
