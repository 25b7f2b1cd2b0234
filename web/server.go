// Package web is Comptoir's HTTP face: the server-rendered UI (html/template
// with htmx, French and English) and the JSON API under /api/v1, sharing one
// router, one error renderer and the same services. It also serves the
// operational endpoints (/healthz, /readyz, /metrics).
//
// Dependency direction: cmd/comptoir → web → service → storage → domain.
// Handlers never touch storage directly.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/comptoir/comptoir/service"
)

// Options configure a Server.
type Options struct {
	Service *service.Service
	Log     *slog.Logger
	// BaseURL is the public URL of the instance; links sent outside use it,
	// never the request's Host header.
	BaseURL string
	// SecureCookies marks cookies Secure and uses the __Host- prefix; set it
	// when serving over TLS or behind a TLS-terminating proxy.
	SecureCookies bool
	// TrustProxy takes the client address from X-Forwarded-For.
	TrustProxy bool
	// Signup says who may sign up: "first", "open" or "closed".
	Signup string
	// Version is shown in the footer and on /healthz.
	Version string
	// Registry collects metrics; nil makes a new one.
	Registry *prometheus.Registry
	// Collectors are more metrics to expose, such as the database pools'.
	Collectors []prometheus.Collector
	// UploadDir keeps uploaded files between the steps of a form (an
	// import's mapping step); empty means comptoir-uploads in the
	// system's temporary directory.
	UploadDir string
	// BackupSchedule is the nightly backup's time of day (HH:MM, the
	// server's zone; "off" for none), as COMPTOIR_BACKUP_AT says, for the
	// operator's backup page.
	BackupSchedule string
}

// Server serves every HTTP route of Comptoir.
type Server struct {
	svc    *service.Service
	log    *slog.Logger
	opts   Options
	bundle *i18n.Bundle
	// plainMessages caches translations without arguments, per language.
	plainMessages map[string]*sync.Map
	pages         map[string]*template.Template
	assets        *assets
	metrics       *metrics
	handler       http.Handler
	uploads       uploads
	// loginLimiter and resetLimiter slow down guessing from one address.
	loginLimiter, resetLimiter *ipLimiter
	// patterns lists every route pattern, in routes.go order.
	patterns []string
}

// New parses the templates, hashes the assets and builds the router.
func New(opts Options) (*Server, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	s := &Server{svc: opts.Service, log: opts.Log, opts: opts,
		loginLimiter: newIPLimiter(20, 10), resetLimiter: newIPLimiter(10, 5)}
	var err error
	if s.bundle, err = newBundle(); err != nil {
		return nil, err
	}
	s.plainMessages = map[string]*sync.Map{"fr": {}, "en": {}}
	s.uploads = uploads{dir: opts.UploadDir}
	if s.uploads.dir == "" {
		s.uploads.dir = filepath.Join(os.TempDir(), "comptoir-uploads")
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = parseTemplates(s.assets); err != nil {
		return nil, err
	}
	if s.metrics, err = newMetrics(opts.Registry, opts.Collectors); err != nil {
		return nil, err
	}
	if err = opts.Registry.Register(s.backupCollector()); err != nil {
		return nil, err
	}
	s.handler = s.middleware(s.routes())
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// ready reports whether the database answers.
func (s *Server) ready(ctx context.Context) error { return s.svc.Ping(ctx) }

// Routes lists every route pattern ("GET /api/v1/bank-accounts/{id}"), in
// the order of routes.go. Tests walk it to prove properties of every route.
func (s *Server) Routes() []string { return append([]string(nil), s.patterns...) }
