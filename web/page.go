package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
)

//go:embed templates
var templateFiles embed.FS

// Page is what every page's typed data embeds: the language, the viewer
// and helpers the layout needs.
type Page struct {
	translator
	Viewer  *viewer
	Account *account.Account
	Path    string
	Version string
	Notice  string // message id of a one-time notice, e.g. after saving
	assets  *assets
	loc     *time.Location
	rights  access.Rights
}

// Asset returns the content-hashed URL of a static file.
func (p Page) Asset(name string) string { return p.assets.URL(name) }

// Money formats an amount in the page's language.
func (p Page) Money(a money.Amount) string { return a.Format(p.lang) + "\u00a0€" }

// Time shows a UTC time in the account's time zone, as Date does its day:
// "25/11/2026 09:25", "25 Nov 2026 09:25".
func (p Page) Time(t time.Time) string {
	layout := "02/01/2006 15:04"
	if p.lang == "en" {
		layout = "2 Jan 2006 15:04"
	}
	return t.In(p.loc).Format(layout)
}

// Date shows the day of a UTC time in the account's time zone, as
// SalesDate writes an ISO date: "25/11/2026", "25 Nov 2026".
func (p Page) Date(t time.Time) string {
	layout := "02/01/2006"
	if p.lang == "en" {
		layout = "2 Jan 2006"
	}
	return t.In(p.loc).Format(layout)
}

// Can reports whether the viewer may do action in module; the navigation
// hides what they cannot use (the server refuses it anyway).
func (p Page) Can(module, action string) bool {
	return p.rights.Can(access.Module(module), access.Action(action))
}

// Lang is the page's language code, for <html lang>.
func (p Page) Lang() string { return p.lang }

// Active reports whether the navigation entry for prefix is the current page.
func (p Page) Active(prefix string) bool {
	if prefix == "/" {
		return p.Path == "/"
	}
	return strings.HasPrefix(p.Path, prefix)
}

// basePage fills the common part of a page from the request.
func (s *Server) basePage(r *http.Request) Page {
	p := Page{translator: s.translator(negotiate(r)), Path: r.URL.Path, Version: s.opts.Version,
		assets: s.assets, loc: time.UTC, Notice: noticeID(r.URL.Query().Get("notice"))}
	if v := viewerFrom(r.Context()); v != nil {
		p.Viewer, p.Account, p.loc = v, &v.Account, v.Account.Location()
		p.rights = access.From(r.Context())
	}
	return p
}

// noticeID accepts only known notices from the query string.
func noticeID(n string) string {
	switch n {
	case "saved", "deleted", "created", "logged_out", "password_reset", "invited", "invited_unsent", "joined", "email_verified", "code_sent", "password_changed", "2fa_required", "merged", "invitation_sent", "invitation_unsent",
		"sent", "sent_unsent", "payment_recorded", "reminder_sent", "reminder_unsent", "reminder_no_email", "reminders_sent",
		"issued_quote", "issued_order", "issued_delivery", "issued_invoice", "issued_deposit", "issued_credit",
		"accepted", "refused", "cancelled", "cancelled_quote", "cancelled_order",
		"issued_supplier_quote", "issued_purchase_order", "issued_receipt", "issued_bill", "cancelled_purchase_order", "cancelled_bill",
		"confirmed", "file_attached", "file_deleted", "cancelled_receipt", "closed", "payment_recorded_in_credit", "payment_recorded_out_credit", "retention_tried", "retention_applied", "imported":
		return "notice." + n
	}
	return ""
}

// formErrors maps each invalid field to the message id of its error.
type formErrors map[string]string

func fieldErrors(err error) formErrors {
	fe := formErrors{}
	for _, f := range errs.FieldsOf(err) {
		if _, seen := fe[f.Field]; !seen {
			fe[f.Field] = "error." + f.Code
		}
	}
	return fe
}

// Err returns the message id of field's error, or "".
func (f formErrors) Err(field string) string { return f[field] }

// pageNames are the templates under templates/, each rendered inside layout.html.
var pageNames = []string{"home", "login", "account", "bank_accounts", "bank_account", "activity", "error",
	"password_forgot", "password_reset", "users", "roles", "explain", "invitation", "signup", "verify_email", "me", "login_2fa", "totp_setup", "operator_login", "operator", "contacts", "contact", "agenda", "calendar", "support", "case", "contact_import", "merge", "products", "product", "product_import",
	"sales", "sales_editor", "sales_document", "sales_settings", "sales_send", "sales_reminders", "sales_dashboard",
	"purchases_to_pay", "supplier_statement",
	"privacy_requests", "privacy_request", "privacy_erase", "privacy_lookup"}

func parseTemplates(a *assets) (map[string]*template.Template, error) {
	funcs := template.FuncMap{"dict": dict}
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		pages[name] = t
	}
	// Every template file must be a page or the layout: a stray file is a
	// page someone forgot to register.
	entries, _ := fs.ReadDir(templateFiles, "templates")
	for _, e := range entries {
		n := strings.TrimSuffix(e.Name(), ".html")
		if _, ok := pages[n]; !ok && n != "layout" {
			return nil, fmt.Errorf("template %s is not listed in pageNames", e.Name())
		}
	}
	return pages, nil
}

// renderPage executes a page into a buffer first so that a template error
// never sends half a page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, data); err != nil {
		s.log.ErrorContext(r.Context(), "render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// render sends a page with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) error {
	s.renderPage(w, r, http.StatusOK, name, data)
	return nil
}

// redirectAfterPost sends the browser to target with a 303 so that a reload
// does not post again.
func redirectAfterPost(w http.ResponseWriter, r *http.Request, target string) error {
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// localPath keeps only same-site paths, so a ?next= or Referer cannot send
// the user to another site after login.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return "/"
	}
	return u.RequestURI()
}

type errorPage struct {
	Page
	Status    int
	Kind      string
	RequestID string
}

// dict builds a map from alternating keys and values, to pass several
// values to a sub-template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

var (
	frenchDays   = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// longDate writes an ISO date (2006-01-02) in full words in the page's
// language: "mercredi 25 novembre 2026" or "Wednesday 25 November 2026".
func (p Page) longDate(iso, englishLayout string) string {
	d, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	if p.lang == "en" {
		return d.Format(englishLayout)
	}
	return fmt.Sprintf("%s %d %s %d", frenchDays[d.Weekday()], d.Day(), frenchMonths[d.Month()-1], d.Year())
}
