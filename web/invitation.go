package web

import (
	"net/http"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/service"
)

type invitationPage struct {
	Page
	Token  string
	Info   service.InvitationInfo
	Errors formErrors
	Name   string
	// LoggedInAs is the e-mail of the current session's user, if any.
	LoggedInAs string
}

// invitationViewer returns the id and e-mail of the logged-in user, if any,
// without requiring a login.
func (s *Server) invitationViewer(r *http.Request) (int64, string) {
	c, err := r.Cookie(s.sessionCookie())
	if err != nil {
		return 0, ""
	}
	if sess, p, err := s.svc.Authenticate(r.Context(), c.Value); err == nil && !sess.MFAPending && !p.Support {
		return p.User.ID, p.User.Email
	}
	return 0, ""
}

func (s *Server) invitationPage(w http.ResponseWriter, r *http.Request) error {
	info, err := s.svc.Invitation(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	_, email := s.invitationViewer(r)
	return s.render(w, r, "invitation", &invitationPage{Page: s.basePage(r), Token: r.PathValue("token"), Info: info, LoggedInAs: email})
}

func (s *Server) invitationAccept(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	userID, email := s.invitationViewer(r)
	ctx := identity.WithActor(r.Context(), identity.Actor{IP: s.clientIP(r), UserAgent: r.UserAgent()})
	_, err := s.svc.AcceptInvitation(ctx, token, userID, r.PostFormValue("name"), r.PostFormValue("password"))
	if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Forbidden) {
		info, ierr := s.svc.Invitation(r.Context(), token)
		if ierr != nil {
			return ierr
		}
		s.renderPage(w, r, statusOf[errs.KindOf(err)], "invitation", &invitationPage{Page: s.basePage(r), Token: token, Info: info,
			Errors: fieldErrors(err), Name: r.PostFormValue("name"), LoggedInAs: email})
		return nil
	}
	if err != nil {
		return err
	}
	if userID != 0 {
		return redirectAfterPost(w, r, "/?notice=joined")
	}
	return redirectAfterPost(w, r, "/login?notice=joined")
}
