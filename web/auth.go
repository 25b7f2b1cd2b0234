package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// viewer is the logged-in user of a request.
type viewer = identity.Principal

type viewerKey struct{}

// sessionKey carries the hash of the request's session token.
type sessionKey struct{}

func sessionHash(r *http.Request) string {
	h, _ := r.Context().Value(sessionKey{}).(string)
	return h
}

func viewerFrom(ctx context.Context) *viewer {
	v, _ := ctx.Value(viewerKey{}).(*viewer)
	return v
}

// sessionCookie is the cookie's name: with the __Host- prefix when served
// securely, which binds it to this exact host and path.
func (s *Server) sessionCookie() string {
	if s.opts.SecureCookies {
		return "__Host-comptoir_session"
	}
	return "comptoir_session"
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookie(), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookie(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// withViewer scopes ctx to the viewer's account and records them as the
// actor of any write. This is where a request gets its tenant.
func (s *Server) withViewer(r *http.Request, p identity.Principal) (*http.Request, error) {
	rights, err := s.svc.RightsOf(r.Context(), p.Membership)
	if err != nil {
		return r, err
	}
	ctx := access.WithRights(r.Context(), rights)
	ctx = account.WithID(ctx, p.Membership.AccountID)
	ctx = identity.WithActor(ctx, identity.Actor{UserID: p.User.ID, Email: p.User.Email, IP: s.clientIP(r), UserAgent: r.UserAgent(), Support: p.Support})
	ctx = context.WithValue(ctx, viewerKey{}, &p)
	return r.WithContext(ctx), nil
}

// user wraps an HTML handler that needs a logged-in user; others are sent
// to the login page.
func (s *Server) user(fn handlerFunc) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request) error {
		c, err := r.Cookie(s.sessionCookie())
		if err != nil {
			return errs.E("web.user", errs.Unauthorized, "please log in")
		}
		sess, p, err := s.svc.Authenticate(r.Context(), c.Value)
		if err != nil {
			s.clearSessionCookie(w)
			return err
		}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess.TokenHash))
		if to := gate(sess, p, r.Method, r.URL.Path); to != "" {
			http.Redirect(w, r, to, http.StatusSeeOther)
			return nil
		}
		if r, err = s.withViewer(r, p); err != nil {
			return err
		}
		return fn(w, r)
	})
}

// apiUser wraps an API handler: a bearer token (scripts) or the session
// cookie (the UI's own calls) identifies the user. POSTs honour an
// Idempotency-Key.
func (s *Server) apiUser(fn handlerFunc) http.Handler {
	return s.api(func(w http.ResponseWriter, r *http.Request) error {
		var (
			p   identity.Principal
			err error
		)
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return errs.E("web.apiUser", errs.Unauthorized, "use an Authorization: Bearer token")
			}
			var tok identity.APIToken
			p, tok, err = s.svc.AuthenticateToken(r.Context(), strings.TrimSpace(token))
			if err == nil && tok.Scope == "read" && r.Method != http.MethodGet {
				return errs.E("web.apiUser", errs.Forbidden, "this token may only read")
			}
		} else if c, cerr := r.Cookie(s.sessionCookie()); cerr == nil {
			var sess identity.Session
			sess, p, err = s.svc.Authenticate(r.Context(), c.Value)
			if err == nil && sess.MFAPending {
				err = errs.E("web.apiUser", errs.Unauthorized, "the second factor is missing")
			}
		} else {
			err = errs.E("web.apiUser", errs.Unauthorized, "authentication required")
		}
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="comptoir"`)
			return err
		}
		if p.User.EmailVerifiedAt == nil && !strings.HasPrefix(r.URL.Path, "/api/v1/email-verification") {
			return errs.E("web.apiUser", errs.Forbidden, "verify your e-mail address first (POST /api/v1/email-verification)")
		}
		if p.Account.Require2FA && p.User.TOTPEnabledAt == nil {
			return errs.E("web.apiUser", errs.Forbidden, "this business requires two-factor authentication: turn it on in My account")
		}
		if err := closingRefusal(p, r.URL.Path); err != nil {
			return err
		}
		if r, err = s.withViewer(r, p); err != nil {
			return err
		}
		if r.Method == http.MethodPost && r.Header.Get("Idempotency-Key") != "" && idempotentRoutes[r.Pattern] {
			return s.idempotent(w, r, fn)
		}
		return fn(w, r)
	})
}

// gate sends a logged-in user who has a step left to take to the page
// where they take it: the second factor of this login, the verification of
// their address, or setting up the second factor their account requires.
func gate(sess identity.Session, p identity.Principal, method, path string) string {
	setup2FA := (method == http.MethodGet && path == "/me") || strings.HasPrefix(path, "/me/2fa")
	switch {
	case sess.MFAPending:
		return "/login/2fa"
	case p.User.EmailVerifiedAt == nil && !strings.HasPrefix(path, "/verify-email"):
		return "/verify-email"
	case p.Account.Require2FA && p.User.TOTPEnabledAt == nil && !setup2FA:
		return "/me?notice=2fa_required"
	case p.Account.Closing() && !closingAllowed(path):
		return "/privacy/account"
	}
	return ""
}
