package web

import (
	"net/http"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// resetCookie holds the random request token of a password reset: the
// e-mailed code works only together with it, in the browser that asked.
const resetCookie = "comptoir_reset"

type passwordForgotPage struct {
	Page
	Email string
}

type passwordResetPage struct {
	Page
	Errors  formErrors
	Missing bool // no reset requested from this browser
}

var errTooManyRequests = errs.E("web.rateLimit", errs.TooManyRequests, "too many requests: wait a minute")

func (s *Server) passwordForgotForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "password_forgot", &passwordForgotPage{Page: s.basePage(r)})
}

// passwordForgot asks for a code. Whatever the address, the answer is the
// same: the code-entry page.
func (s *Server) passwordForgot(w http.ResponseWriter, r *http.Request) error {
	if !s.resetLimiter.allow(s.clientIP(r)) {
		return errTooManyRequests
	}
	ctx := identity.WithActor(r.Context(), identity.Actor{IP: s.clientIP(r), UserAgent: r.UserAgent()})
	request, err := s.svc.RequestPasswordReset(ctx, r.PostFormValue("email"), negotiate(r))
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: resetCookie, Value: request, Path: "/password/",
		MaxAge: int((identity.ResetCodeLifetime + 5*time.Minute).Seconds()), HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteStrictMode})
	return redirectAfterPost(w, r, "/password/reset")
}

func (s *Server) passwordResetForm(w http.ResponseWriter, r *http.Request) error {
	_, err := r.Cookie(resetCookie)
	return s.render(w, r, "password_reset", &passwordResetPage{Page: s.basePage(r), Missing: err != nil})
}

func (s *Server) passwordReset(w http.ResponseWriter, r *http.Request) error {
	if !s.resetLimiter.allow(s.clientIP(r)) {
		return errTooManyRequests
	}
	c, err := r.Cookie(resetCookie)
	if err != nil {
		return s.render(w, r, "password_reset", &passwordResetPage{Page: s.basePage(r), Missing: true})
	}
	ctx := identity.WithActor(r.Context(), identity.Actor{IP: s.clientIP(r), UserAgent: r.UserAgent()})
	err = s.svc.ResetPassword(ctx, c.Value, r.PostFormValue("code"), r.PostFormValue("password"))
	if errs.Is(err, errs.Invalid) {
		s.renderPage(w, r, http.StatusUnprocessableEntity, "password_reset", &passwordResetPage{Page: s.basePage(r), Errors: fieldErrors(err)})
		return nil
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: resetCookie, Value: "", Path: "/password/", MaxAge: -1, HttpOnly: true, Secure: s.opts.SecureCookies})
	return redirectAfterPost(w, r, "/login?notice=password_reset")
}
