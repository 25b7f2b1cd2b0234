package web

import (
	"net/http"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

type loginPage struct {
	Page
	Email     string
	Next      string
	Failed    bool
	Throttled bool
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "login", &loginPage{Page: s.basePage(r), Next: localPath(r.URL.Query().Get("next"))})
}

// login checks the credentials and starts a session with a fresh token,
// which also defeats session fixation: no token chosen before login survives.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if !s.loginLimiter.allow(s.clientIP(r)) {
		return errTooManyRequests
	}
	email, pw := r.PostFormValue("email"), r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	ctx := identity.WithActor(r.Context(), identity.Actor{IP: s.clientIP(r), UserAgent: r.UserAgent()})
	token, sess, err := s.svc.Login(ctx, email, pw, 0)
	if k := errs.KindOf(err); err != nil && (k == errs.Unauthorized || k == errs.TooManyRequests) {
		p := &loginPage{Page: s.basePage(r), Email: email, Next: next, Failed: true, Throttled: k == errs.TooManyRequests}
		s.renderPage(w, r, statusOf[k], "login", p)
		return nil
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, sess.ExpiresAt)
	if sess.MFAPending {
		return redirectAfterPost(w, r, "/login/2fa?next="+urlQueryEscape(next))
	}
	return redirectAfterPost(w, r, next)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(s.sessionCookie()); err == nil {
		ctx := identity.WithActor(r.Context(), identity.Actor{IP: s.clientIP(r), UserAgent: r.UserAgent()})
		if err := s.svc.Logout(ctx, c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	return redirectAfterPost(w, r, "/login?notice=logged_out")
}

// setLanguage remembers the chosen language for a year and goes back.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("lang")
	if lang != "fr" && lang != "en" {
		return errs.E("web.setLanguage", errs.Invalid, "unsupported language")
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	return redirectAfterPost(w, r, localPath(r.PostFormValue("next")))
}
