package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/config"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/web"
)

// listenHookKey lets tests learn the address of a server started on :0.
type listenHookKey struct{}

func runServe(ctx context.Context, env *environment, args []string) error {
	start := time.Now()
	fs := newFlagSet(env, "serve", "", "Run the web server. It creates and migrates the database first; with no flags it stores its data in ./comptoir-data (SQLite) and listens on 127.0.0.1:8080")
	withDemo := fs.Bool("demo", false, "create the demo account if missing (or reset its password) and print how to log in")
	backupNow := fs.Bool("backup-now", false, "run the nightly backup (and its verification) once at start, then at COMPTOIR_BACKUP_AT")
	return withService(ctx, env, fs, args, func(in instance) error {
		in.backupNow = *backupNow
		if *withDemo {
			login, err := demo.Seed(in.ctx, in.svc)
			if err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
			printDemoLogin(env, in.cfg.BaseURL(), login)
		}
		return serve(ctx, in, start)
	})
}

// serve builds the web server and runs it until ctx ends.
func serve(ctx context.Context, in instance, start time.Time) error {
	cfg, log, svc := in.cfg, in.log, in.svc
	if _, logged := svc.Mailer.(mail.LogSender); logged {
		log.Warn("no SMTP server configured (COMPTOIR_SMTP_URL): e-mail such as verification and reset codes is written to this log instead")
	}
	var poolStats []prometheus.Collector
	for name, pool := range svc.DB().Pools() {
		poolStats = append(poolStats, collectors.NewDBStatsCollector(pool, name))
	}
	handler, err := web.New(web.Options{Service: svc, Log: log, BaseURL: cfg.BaseURL(), Version: version(),
		SecureCookies: cfg.TLSCert != "" || isHTTPS(cfg.PublicURL), TrustProxy: cfg.TrustProxy, Collectors: poolStats, Signup: cfg.Signup,
		BackupSchedule: cfg.BackupAt})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another comptoir running? choose another --addr)", cfg.Addr, err)
	}
	if hook, ok := ctx.Value(listenHookKey{}).(func(string)); ok {
		hook(ln.Addr().String())
	}
	go housekeeping(ctx, cfg, svc, log)
	go remindTasks(ctx, svc, log)
	go dunning(ctx, svc, log)
	go purgeClosed(ctx, svc, log)
	backupsDone := make(chan struct{})
	go func() { defer close(backupsDone); backups(ctx, in, log) }()
	log.Info("comptoir listening", "url", scheme(cfg)+"://"+ln.Addr().String(), "engine", svc.DB().Engine(),
		"version", version(), "startup_ms", time.Since(start).Milliseconds())
	err = serveUntilDone(ctx, cfg, handler, ln, log)
	// A backup under way stops with ctx and records how it ended before
	// the database closes.
	<-backupsDone
	return err
}

// serveUntilDone serves until ctx ends (SIGINT or SIGTERM), then lets the
// requests in flight finish for up to 30 seconds.
func serveUntilDone(ctx context.Context, cfg config.Config, h http.Handler, ln net.Listener, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
	}
	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// housekeeping removes expired sessions every ten minutes, and every day
// ends the relationships without contact and applies the retention
// policies (the activity log's period is COMPTOIR_ACTIVITY_RETENTION_DAYS).
func housekeeping(ctx context.Context, cfg config.Config, svc *service.Service, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	var lastPurge, lastInactive time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := svc.DB().DeleteExpiredSessions(ctx); err != nil {
				log.Warn("clean sessions", "err", err)
			} else if n > 0 {
				log.Info("expired sessions removed", "count", n)
			}
			if cfg.InactiveMonths > 0 && time.Since(lastInactive) > 24*time.Hour {
				lastInactive = time.Now()
				if n, err := svc.EndInactiveContacts(access.AsSystem(ctx), cfg.InactiveMonths); err != nil {
					log.Warn("end inactive relationships", "err", err)
				} else if n > 0 {
					log.Info("relationships ended after inactivity", "count", n)
				}
			}
			if time.Since(lastPurge) > 24*time.Hour {
				lastPurge = time.Now()
				retention(ctx, svc, log)
			}
		}
	}
}

// remindTasks e-mails the task reminders that are due, every minute.
// Several instances may run it at once: each reminder is claimed once.
func remindTasks(ctx context.Context, svc *service.Service, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if n, err := svc.SendTaskReminders(access.AsSystem(ctx), now); err != nil {
				log.Warn("task reminders", "err", err)
			} else if n > 0 {
				log.Info("task reminders sent", "count", n)
			}
		}
	}
}

// dunning sends the unpaid-invoice reminders due: at start, then once a
// day (checked every ten minutes, on the UTC date). Several instances may
// run it at once, and a restart runs it again: each level is claimed once.
func dunning(ctx context.Context, svc *service.Service, log *slog.Logger) {
	run := func() {
		if n, err := svc.RunDunning(access.AsSystem(ctx)); err != nil {
			log.Warn("dunning", "err", err, "sent", n)
		} else if n > 0 {
			log.Info("unpaid-invoice reminders sent", "count", n)
		}
	}
	day := time.Now().UTC().Format(time.DateOnly)
	run()
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if d := now.UTC().Format(time.DateOnly); d != day {
				day = d
				run()
			}
		}
	}
}

func scheme(cfg config.Config) string {
	if cfg.TLSCert != "" {
		return "https"
	}
	return "http"
}

func isHTTPS(u string) bool { return len(u) >= 8 && u[:8] == "https://" }
