package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
)

func runMigrate(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "migrate", "", "Apply pending database migrations, each in its own transaction")
	status := fs.Bool("status", false, "list the migrations and whether each is applied, without applying any")
	cfg, err := loadConfig(env, fs, args)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, storage.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxReaders: cfg.MaxReaders})
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	if *status {
		ms, err := db.Migrations(ctx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(env.stdout, "%-8s %s\n", state, m.Name)
		}
		return nil
	}
	applied, err := db.Migrate(ctx, nil)
	if err != nil {
		return err
	}
	for _, name := range applied {
		fmt.Fprintln(env.stdout, "applied", name)
	}
	fmt.Fprintf(env.stdout, "database (%s) is up to date\n", db.Engine())
	return nil
}

func runDemo(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "demo", "[--contacts N] [--other-accounts N] [--other-contacts N]", "Create a realistic French demo account (or reset its password if it exists) and print how to log in; the options add generated contacts, to try Comptoir at scale")
	var v demo.Volume
	fs.IntVar(&v.Contacts, "contacts", 0, "generated contacts to add to the demo account")
	fs.IntVar(&v.Others, "other-accounts", 0, "other accounts to create, so that the demo account is one tenant among many")
	fs.IntVar(&v.OthersContacts, "other-contacts", 1000, "generated contacts in each other account")
	return withService(ctx, env, fs, args, func(in instance) error {
		login, err := demo.Seed(in.ctx, in.svc)
		if err != nil {
			return err
		}
		if v.Contacts > 0 || v.Others > 0 {
			start := time.Now()
			err := demo.Generate(in.ctx, in.svc, v, func(msg string) {
				fmt.Fprintf(env.stderr, "%s (%s)\n", msg, time.Since(start).Round(time.Millisecond))
			})
			if err != nil {
				return err
			}
		}
		printDemoLogin(env, in.cfg.BaseURL(), login)
		return nil
	})
}

func printDemoLogin(env *environment, base string, login demo.Login) {
	fmt.Fprintf(env.stdout, "Demo account %q is ready.\n", login.AccountName)
	fmt.Fprintf(env.stdout, "Log in at %s/login with\n  e-mail:   %s\n  password: %s\n", base, login.Email, login.Password)
}

func runAccountCreate(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "account create", "--name NAME --email EMAIL --password PASSWORD", "Create an account (a business) and its owner; the new account's id is printed on the last line")
	name := fs.String("name", "", "the business name (required)")
	email := fs.String("email", "", "the owner's e-mail address, used to log in (required)")
	pw := fs.String("password", "", "the owner's password: 8+ characters with letters and digits (required)")
	owner := fs.String("owner-name", "", "the owner's full name")
	locale := fs.String("locale", "fr", "language of the account: fr or en")
	return withService(ctx, env, fs, args, func(in instance) error {
		a := account.New(*name)
		a.Locale = *locale
		created, _, err := in.svc.CreateAccount(in.ctx, service.NewAccount{Account: a, OwnerEmail: *email, OwnerPassword: *pw, OwnerName: *owner, OwnerVerified: true})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.stdout, "Account %q created; its owner logs in as %s.\n", created.Name, *email)
		fmt.Fprintln(env.stdout, created.ID)
		return nil
	})
}

func runAccountList(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "account list", "", "List the accounts of this instance (id, status, name)")
	return withService(ctx, env, fs, args, func(in instance) error {
		list, err := in.svc.DB().ListAccounts(in.ctx)
		if err != nil {
			return err
		}
		for _, a := range list {
			fmt.Fprintf(env.stdout, "%d\t%s\t%s\n", a.ID, a.Status, a.Name)
		}
		return nil
	})
}

func runTokenCreate(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "token create", "--email EMAIL [--account ID]", "Create an API token for a user and print it alone on stdout; it is shown only once")
	email := fs.String("email", "", "the user's e-mail address (required)")
	accountID := fs.Int64("account", 0, "the account the token acts in (default: the user's first)")
	name := fs.String("name", "command line", "a name to recognize the token by")
	return withService(ctx, env, fs, args, func(in instance) error {
		if *email == "" {
			return usageError{"--email is required"}
		}
		token, err := in.svc.CreateAPIToken(in.ctx, *email, *accountID, *name)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintln(env.stdout, token)
		return nil
	})
}

func runConfig(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "config", "", "Print the effective configuration (flags over COMPTOIR_* variables over defaults), secrets masked")
	cfg, err := loadConfig(env, fs, args)
	if err != nil {
		return err
	}
	cfg.Print(env.stdout)
	return nil
}

// buildVersion is set at link time: -ldflags "-X main.buildVersion=v1.2.3".
var buildVersion = ""

func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

func runVersion(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "version", "", "Print the version")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "comptoir", version())
	return nil
}

func runActivityVerify(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "activity verify", "--account ID", "Check the hash chain of an account's activity log; reports the first altered entry and exits 1 if there is one")
	accountID := fs.Int64("account", 0, "the account whose log to check (required)")
	return withService(ctx, env, fs, args, func(in instance) error {
		if *accountID <= 0 {
			return usageError{"--account is required"}
		}
		brk, n, err := in.svc.VerifyActivity(account.WithID(in.ctx, *accountID))
		if err != nil {
			return describe(err)
		}
		if brk != nil {
			return fmt.Errorf("activity log of account %d altered: entry no. %d (id %d): %s (%d entries intact before it)",
				*accountID, brk.Seq, brk.EntryID, brk.Reason, n)
		}
		fmt.Fprintf(env.stdout, "activity log of account %d intact: %d entries checked\n", *accountID, n)
		return nil
	})
}

func runOperatorCreate(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "operator create", "--email EMAIL --password PASSWORD", "Create an instance operator: they log in at /operator, see the accounts and the instance's health, and no account's data without a support grant from its owner")
	email := fs.String("email", "", "the operator's e-mail address (required)")
	pw := fs.String("password", "", "the operator's password (required)")
	return withService(ctx, env, fs, args, func(in instance) error {
		o, err := in.svc.CreateOperator(in.ctx, *email, *pw)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.stdout, "Operator %s created; they log in at %s/operator/login\n", o.Email, in.cfg.BaseURL())
		return nil
	})
}

func runActivityPurge(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "activity purge", "", "Remove activity-log entries older than the retention period (--activity-retention-days), as the server does daily")
	return withService(ctx, env, fs, args, func(in instance) error {
		if in.cfg.ActivityRetentionDays == 0 {
			fmt.Fprintln(env.stdout, "retention is 0: the activity log is kept forever")
			return nil
		}
		n, err := in.svc.PurgeActivity(in.ctx, time.Now().AddDate(0, 0, -in.cfg.ActivityRetentionDays))
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%d entries older than %d days removed\n", n, in.cfg.ActivityRetentionDays)
		return nil
	})
}

func runDunning(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "dunning run", "", "Send the unpaid-invoice reminders due now in every account with automatic reminders, as the server does daily; a level already sent is never sent again")
	return withService(ctx, env, fs, args, func(in instance) error {
		n, err := in.svc.RunDunning(in.ctx)
		fmt.Fprintf(env.stdout, "%d reminders sent\n", n)
		return err
	})
}
