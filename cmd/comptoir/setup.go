package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/config"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
)

// loadConfig registers the configuration flags on fs, parses args and
// validates the result.
func loadConfig(env *environment, fs *flag.FlagSet, args []string) (config.Config, error) {
	cfg := config.Default()
	if err := cfg.Register(fs, env.getenv); err != nil {
		return cfg, usageError{"configuration: " + err.Error()}
	}
	if err := parse(fs, args); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageError{"configuration:\n" + err.Error()}
	}
	return cfg, nil
}

// newLogger logs as text on a terminal and as JSON otherwise (for log
// collectors), unless the configuration says which.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// openService opens and migrates the database and returns the service on it.
func openService(ctx context.Context, env *environment, cfg config.Config, log *slog.Logger) (*service.Service, func(), error) {
	db, err := storage.Open(ctx, storage.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxReaders: cfg.MaxReaders})
	if err != nil {
		return nil, nil, err
	}
	applied, err := db.Migrate(ctx, nil)
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	if len(applied) > 0 {
		log.Info("database migrated", "engine", db.Engine(), "applied", applied)
	}
	svc := service.New(db, log)
	svc.BaseURL = cfg.BaseURL()
	svc.Files = files.Store{Dir: filepath.Join(cfg.DataDir, "files")}
	svc.ActivityRetentionDays = cfg.ActivityRetentionDays
	if cfg.ActivityRetentionDays == 0 {
		svc.ActivityRetentionDays = -1 // 0 in the configuration keeps the log forever
	}
	if cfg.SMTPURL != "" {
		if svc.Mailer, err = mail.ParseURL(cfg.SMTPURL, cfg.MailFrom); err != nil {
			_ = db.Close()
			return nil, nil, err
		}
	} else {
		// Without an SMTP server a first run must still work: codes and
		// invitations go to the server's log.
		svc.Mailer = mail.LogSender{Log: log}
	}
	if env.passwordCost != nil {
		svc.Password = *env.passwordCost
	}
	svc.Instance = instanceFacts(cfg)
	svc.Backup = backupSettings(cfg)
	return svc, func() { _ = db.Close() }, nil
}

// instance is what a command that uses data runs with.
type instance struct {
	ctx context.Context // acting as the system, see access.AsSystem
	cfg config.Config
	log *slog.Logger
	svc *service.Service
	// backupNow runs a backup at the start of serve.
	backupNow bool
}

// withService runs fn with a service opened from the command's flags.
func withService(ctx context.Context, env *environment, fs *flag.FlagSet, args []string, fn func(instance) error) error {
	cfg, err := loadConfig(env, fs, args)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.stderr)
	svc, closeDB, err := openService(ctx, env, cfg, log)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer closeDB()
	// Commands are run by the instance's operator on the server itself.
	return fn(instance{cfg: cfg, log: log, svc: svc, ctx: access.AsSystem(ctx)})
}
