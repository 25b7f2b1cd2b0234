package web

import (
	"filippo.io/age"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/service"
)

func init() {
	pageNames = append(pageNames, "privacy_account", "privacy_breaches", "privacy_breach")
}

func (s *Server) routesForAccountClosure(mux *patternMux) {
	mux.Handle("GET /privacy/account", s.user(s.accountClosurePage))
	mux.Handle("GET /privacy/account/export.zip", s.user(s.accountExport))
	mux.Handle("POST /privacy/account/backup", s.user(s.accountBackup))
	mux.Handle("POST /privacy/account/close", s.user(s.accountCloseRequest))
	mux.Handle("POST /privacy/account/close/confirm", s.user(s.accountCloseConfirm))
	mux.Handle("POST /privacy/account/reopen", s.user(s.accountReopen))
	mux.Handle("GET /api/v1/account/export", s.apiUser(s.accountExport))
	mux.Handle("GET /api/v1/account/closure", s.apiUser(s.apiAccountClosure))
	mux.Handle("POST /api/v1/account/closure", s.apiUser(s.apiAccountCloseRequest))
	mux.Handle("POST /api/v1/account/closure/confirm", s.apiUser(s.apiAccountCloseConfirm))
	mux.Handle("POST /api/v1/account/reopen", s.apiUser(s.apiAccountReopen))
}

// closingAllowed says what the members of a closing account can still
// reach: the closure page (the owner reopens or exports there), and the
// switch to another account they belong to.
func closingAllowed(path string) bool {
	return path == "/privacy/account" || path == "/me/switch" || strings.HasPrefix(path, "/privacy/account/") ||
		path == "/api/v1/account/closure" || strings.HasPrefix(path, "/api/v1/account/closure/") ||
		path == "/api/v1/account/reopen" || path == "/api/v1/account/export"
}

// closingRefusal is the API's answer to a request in a closing account.
func closingRefusal(p identity.Principal, path string) error {
	if !p.Account.Closing() || closingAllowed(path) {
		return nil
	}
	return errs.E("web.apiUser", errs.Forbidden, "this account is closing on "+p.Account.ClosesAt.UTC().Format(time.DateOnly)+
		": nothing can be done in it; its owner can export it (GET /api/v1/account/export) or reopen it (POST /api/v1/account/reopen)")
}

type closurePage struct {
	Page
	Closure service.Closure
	Errors  formErrors
}

// ClosesOn is the last day of the grace period, in the account's zone.
func (p *closurePage) ClosesOn() string {
	if p.Closure.ClosesAt == nil {
		return ""
	}
	return p.Date(*p.Closure.ClosesAt)
}

// closureNotice accepts only the closure page's own notices.
func closureNotice(n string) string {
	switch n {
	case "code_sent", "closing", "reopened":
		return "closure.notice." + n
	}
	return ""
}

func (s *Server) showClosure(w http.ResponseWriter, r *http.Request, status int, errors formErrors) error {
	c, err := s.svc.AccountClosure(r.Context())
	if err != nil {
		return err
	}
	p := &closurePage{Page: s.basePage(r), Closure: c, Errors: errors}
	p.Notice = closureNotice(r.URL.Query().Get("notice"))
	s.renderPage(w, r, status, "privacy_account", p)
	return nil
}

func (s *Server) accountClosurePage(w http.ResponseWriter, r *http.Request) error {
	return s.showClosure(w, r, http.StatusOK, nil)
}

// zipWriter sets the download's headers when the first byte goes out, so
// that an error found before (no right, no account) is still an error page.
type zipWriter struct {
	w       http.ResponseWriter
	name    string
	started bool
	typ     string // the content type, when not a ZIP file
}

func (z *zipWriter) Write(p []byte) (int, error) {
	if !z.started {
		z.started = true
		typ := z.typ
		if typ == "" {
			typ = "application/zip"
		}
		z.w.Header().Set("Content-Type", typ)
		z.w.Header().Set("Content-Disposition", `attachment; filename="`+z.name+`"`)
		z.w.Header().Set("Cache-Control", "no-store")
		z.w.WriteHeader(http.StatusOK)
	}
	return z.w.Write(p)
}

// accountExport streams the whole account as a ZIP file, for the page's
// button and the API alike.
func (s *Server) accountExport(w http.ResponseWriter, r *http.Request) error {
	v := viewerFrom(r.Context())
	name := "comptoir-export"
	if v != nil {
		name += "-" + time.Now().UTC().Format("2006-01-02")
	}
	longDownload(w)
	zw := &zipWriter{w: w, name: name + ".zip"}
	_, err := s.svc.ExportAccount(r.Context(), zw)
	if err != nil && zw.started {
		// Half a ZIP has gone: it has no central directory, so no reader
		// takes it for whole. Nothing more can be said to the client.
		s.log.ErrorContext(r.Context(), "account export broken off", "err", err)
		return nil
	}
	return err
}

func (s *Server) accountCloseRequest(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RequestAccountClosure(r.Context()); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/privacy/account?notice=code_sent")
}

func (s *Server) accountCloseConfirm(w http.ResponseWriter, r *http.Request) error {
	_, err := s.svc.ConfirmAccountClosure(r.Context(), strings.TrimSpace(r.PostFormValue("code")))
	if errs.Is(err, errs.Invalid) {
		return s.showClosure(w, r, http.StatusUnprocessableEntity, fieldErrors(err))
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/privacy/account?notice=closing")
}

func (s *Server) accountReopen(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.ReopenAccount(r.Context()); err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/privacy/account?notice=reopened")
}

func (s *Server) apiAccountClosure(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.AccountClosure(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// apiAccountCloseRequest e-mails the closure code to the owner: 202, the
// closure waits for the code.
func (s *Server) apiAccountCloseRequest(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength > 0 {
		if _, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, 1024)); err != nil {
			return errs.E("web.apiAccountCloseRequest", errs.Invalid, "this request takes no body")
		}
	}
	if err := s.svc.RequestAccountClosure(r.Context()); err != nil {
		return err
	}
	c, err := s.svc.AccountClosure(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, c)
	return nil
}

type closureConfirm struct {
	Code string `json:"code"`
}

func (s *Server) apiAccountCloseConfirm(w http.ResponseWriter, r *http.Request) error {
	var in closureConfirm
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.ConfirmAccountClosure(r.Context(), strings.TrimSpace(in.Code)); err != nil {
		return err
	}
	return s.apiAccountClosure(w, r)
}

func (s *Server) apiAccountReopen(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.ReopenAccount(r.Context()); err != nil {
		return err
	}
	return s.apiAccountClosure(w, r)
}

// accountBackup streams a restorable backup of the account, encrypted to
// the passphrase the owner typed twice: the file leaves the server, so the
// passphrase is what protects it.
func (s *Server) accountBackup(w http.ResponseWriter, r *http.Request) error {
	pass := r.PostFormValue("passphrase")
	if pass != r.PostFormValue("passphrase_confirm") {
		return s.showClosure(w, r, http.StatusUnprocessableEntity, formErrors{"passphrase_confirm": "error.passphrase_mismatch"})
	}
	rcp, err := service.AccountBackupRecipient(pass)
	if errs.Is(err, errs.Invalid) {
		return s.showClosure(w, r, http.StatusUnprocessableEntity, fieldErrors(err))
	}
	if err != nil {
		return err
	}
	longDownload(w)
	bw := &zipWriter{w: w, name: "comptoir-account-" + time.Now().UTC().Format("2006-01-02") + ".tar.zst.age", typ: "application/octet-stream"}
	_, err = s.svc.ExportAccountBackup(r.Context(), bw, []age.Recipient{rcp})
	if err != nil && bw.started {
		s.log.ErrorContext(r.Context(), "account backup broken off", "err", err)
		return nil
	}
	return err
}

// longDownload lifts the server's write timeout for a download that
// streams a whole account, which may take longer than any page.
func longDownload(w http.ResponseWriter) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
}
