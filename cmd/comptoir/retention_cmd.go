package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
)

// runRetention applies the retention policies now, or as on another day,
// in one account or every active one; with --dry-run it only says what it
// would do. Each account's run is logged, dry or not.
func runRetention(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "retention run", "[--dry-run] [--account ID] [--as-of YYYY-MM-DD]",
		"Apply the retention policies as the server does daily: prospects deleted after their period, clients and suppliers archived then anonymised, accounting records deleted after their legal hold, old logs, sessions and codes removed; --dry-run changes nothing and prints what would happen")
	dry := fs.Bool("dry-run", false, "change nothing: print the counts and samples the run would have (the run is still logged)")
	accountID := fs.Int64("account", 0, "run in this account only (default: every active account)")
	asOf := fs.String("as-of", "", "apply the policies as on this day (YYYY-MM-DD; default: today, UTC)")
	return withService(ctx, env, fs, args, func(in instance) error {
		day := time.Now().UTC()
		if *asOf != "" {
			t, err := time.Parse(time.DateOnly, *asOf)
			if err != nil {
				return usageError{fmt.Sprintf("--as-of %q: want a day as YYYY-MM-DD", *asOf)}
			}
			day = t
		}
		if *accountID > 0 {
			run, err := in.svc.RunRetention(account.WithID(in.ctx, *accountID), day, *dry)
			printRun(env.stdout, *accountID, run)
			if err != nil {
				return describe(err)
			}
			return nil
		}
		if *accountID < 0 {
			return usageError{"--account: want an account id"}
		}
		runs, codes, err := in.svc.RunRetentionAll(in.ctx, day, *dry)
		var failed []error
		for _, r := range runs {
			printRun(env.stdout, r.AccountID, r.Run)
			if r.Err != nil {
				failed = append(failed, fmt.Errorf("account %d: %w", r.AccountID, describe(r.Err)))
			}
		}
		verb := "removed"
		if *dry {
			verb = "would be removed"
		}
		fmt.Fprintf(env.stdout, "instance: %d password reset codes, %d e-mail verification codes, %d login-failure counters, %d instance e-mail log entries %s\n",
			codes["password_resets"], codes["email_verifications"], codes["login_failures"], codes["mail_log"], verb)
		if err != nil {
			failed = append(failed, err)
		}
		return errors.Join(failed...)
	})
}

// printRun writes one account's run as a table of counts per policy, with
// samples.
func printRun(w io.Writer, accountID int64, run privacy.Run) {
	mode := "applied"
	if run.DryRun {
		mode = "dry run: nothing changed"
	}
	fmt.Fprintf(w, "account %d: retention as of %s (%s), run %d\n", accountID, run.AsOf, mode, run.ID)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POLICY\tACTION\tRECORDS\tCOUNT\tSAMPLES")
	for _, st := range run.Steps {
		var samples []string
		for _, s := range st.Samples {
			samples = append(samples, strings.TrimSpace(s.Ref+" "+s.Name))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", st.Policy, st.Action, st.Target, strconv.Itoa(st.Count), strings.Join(samples, ", "))
	}
	_ = tw.Flush()
	if run.Error != "" {
		fmt.Fprintf(w, "error: %s\n", run.Error)
	}
	fmt.Fprintf(w, "total: %d records\n\n", run.Total())
}

// retention is the daily job: the retention policies of every active
// account as of today, in short transactions, each run logged.
func retention(ctx context.Context, svc *service.Service, log *slog.Logger) {
	runs, codes, err := svc.RunRetentionAll(access.AsSystem(ctx), time.Now(), false)
	for _, r := range runs {
		if r.Err != nil {
			log.Warn("retention", "account", r.AccountID, "err", r.Err)
		} else if n := r.Run.Total(); n > 0 {
			log.Info("retention applied", "account", r.AccountID, "records", n, "run", r.Run.ID)
		}
	}
	if err != nil {
		log.Warn("retention of the instance's codes", "err", err)
	} else if n := codes["password_resets"] + codes["email_verifications"] + codes["login_failures"] + codes["mail_log"]; n > 0 {
		log.Info("expired codes removed", "count", n)
	}
}
