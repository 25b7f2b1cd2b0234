package web

import (
	"net/http"

	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/service"
)

type apiSignupResponse struct {
	AccountID     int64  `json:"account_id"`
	UserID        int64  `json:"user_id"`
	Token         string `json:"token"`
	EmailVerified bool   `json:"email_verified"`
}

// apiSignup creates an account and returns a bearer token for its owner;
// the token works only for e-mail verification until the code is given.
func (s *Server) apiSignup(w http.ResponseWriter, r *http.Request) error {
	if !s.resetLimiter.allow(s.clientIP(r)) {
		return errTooManyRequests
	}
	var in struct {
		BusinessName string `json:"business_name"`
		Name         string `json:"name"`
		Email        string `json:"email"`
		Password     string `json:"password"`
		Locale       string `json:"locale"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ctx := identity.WithActor(r.Context(), identity.Actor{IP: s.clientIP(r), UserAgent: r.UserAgent()})
	a, u, err := s.svc.SignUp(ctx, service.SignUp{BusinessName: in.BusinessName, Name: in.Name, Email: in.Email,
		Password: in.Password, Locale: in.Locale}, s.opts.Signup)
	if err != nil {
		return err
	}
	token, err := s.svc.CreateAPIToken(ctx, u.Email, a.ID, "sign-up")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiSignupResponse{AccountID: a.ID, UserID: u.ID, Token: token})
	return nil
}

func (s *Server) apiVerifyEmail(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code string `json:"code"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.VerifyEmail(r.Context(), viewerFrom(r.Context()).User.ID, in.Code); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiVerifyEmailResend(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.SendVerificationCode(r.Context(), viewerFrom(r.Context()).User.ID, true); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
