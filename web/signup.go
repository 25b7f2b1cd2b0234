package web

import (
	"net/http"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/service"
)

type signupPage struct {
	Page
	Form   service.SignUp
	Errors formErrors
	Closed bool
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) error {
	ok, err := s.svc.SignUpAllowed(r.Context(), s.opts.Signup)
	if err != nil {
		return err
	}
	return s.render(w, r, "signup", &signupPage{Page: s.basePage(r), Closed: !ok})
}

// signup creates the account and its owner, logs them in and asks for the
// code sent to their address.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	if !s.resetLimiter.allow(s.clientIP(r)) {
		return errTooManyRequests
	}
	in := service.SignUp{BusinessName: r.PostFormValue("business_name"), Name: r.PostFormValue("name"),
		Email: r.PostFormValue("email"), Password: r.PostFormValue("password"), Locale: negotiate(r)}
	ctx := identity.WithActor(r.Context(), identity.Actor{IP: s.clientIP(r), UserAgent: r.UserAgent()})
	_, _, err := s.svc.SignUp(ctx, in, s.opts.Signup)
	if k := errs.KindOf(err); err != nil && (k == errs.Invalid || k == errs.Conflict || k == errs.Forbidden) {
		in.Password = ""
		fe := fieldErrors(err)
		if f := errs.FieldsOf(err); len(f) > 0 && f[0].Field == "name" {
			// The account's name is the business name on this form.
			fe["business_name"] = fe["name"]
			delete(fe, "name")
		}
		s.renderPage(w, r, statusOf[k], "signup", &signupPage{Page: s.basePage(r), Form: in, Errors: fe, Closed: k == errs.Forbidden})
		return nil
	}
	if err != nil {
		return err
	}
	token, sess, err := s.svc.Login(ctx, in.Email, in.Password, 0)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, sess.ExpiresAt)
	return redirectAfterPost(w, r, "/verify-email")
}

type verifyEmailPage struct {
	Page
	Email  string
	Errors formErrors
}

func (s *Server) verifyEmailForm(w http.ResponseWriter, r *http.Request) error {
	v := viewerFrom(r.Context())
	if v.User.EmailVerifiedAt != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, "verify_email", &verifyEmailPage{Page: s.basePage(r), Email: v.User.Email})
}

func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	v := viewerFrom(r.Context())
	err := s.svc.VerifyEmail(r.Context(), v.User.ID, r.PostFormValue("code"))
	if errs.Is(err, errs.Invalid) {
		s.renderPage(w, r, http.StatusUnprocessableEntity, "verify_email", &verifyEmailPage{Page: s.basePage(r), Email: v.User.Email, Errors: fieldErrors(err)})
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/?notice=email_verified")
}

func (s *Server) verifyEmailResend(w http.ResponseWriter, r *http.Request) error {
	v := viewerFrom(r.Context())
	if err := s.svc.SendVerificationCode(r.Context(), v.User.ID, true); err != nil && !errs.Is(err, errs.TooManyRequests) {
		return err
	}
	return redirectAfterPost(w, r, "/verify-email?notice=code_sent")
}
