package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/service"
)

// runExportAccount writes a whole account as a ZIP file to standard output:
// the owner's export, run by the instance's operator on the server. It is
// also how the restricted archive of a closed account is read.
func runExportAccount(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "export account", "--account ID > FILE.zip", "Write a whole account (a closed account's restricted archive too) as a ZIP file to standard output")
	accountID := fs.Int64("account", 0, "the account to export (required)")
	return withService(ctx, env, fs, args, func(in instance) error {
		if *accountID <= 0 {
			return usageError{"--account is required"}
		}
		w := bufio.NewWriterSize(env.stdout, 256<<10)
		stats, err := in.svc.ExportAccount(account.WithID(in.ctx, *accountID), w)
		if err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "%d bytes, %d PDFs, %d attached files\n", stats.Bytes, stats.PDFs, stats.Attachments)
		return nil
	})
}

// runPurgeClosed applies the closure of accounts, as the server does daily.
func runPurgeClosed(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "account purge-closed", "[--as-of DATE]", "Delete the data of closed accounts whose grace period has ended, keeping the accounting documents under a legal hold until their hold ends, as the server does daily")
	asOf := fs.String("as-of", "", "run as of this day (YYYY-MM-DD, end of the day UTC) instead of now")
	return withService(ctx, env, fs, args, func(in instance) error {
		now := time.Now()
		if *asOf != "" {
			d, err := time.Parse(time.DateOnly, *asOf)
			if err != nil {
				return usageError{"--as-of: want a date YYYY-MM-DD"}
			}
			now = d.Add(24*time.Hour - time.Microsecond)
		}
		rep, err := in.svc.PurgeClosedAccounts(in.ctx, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%d accounts closed, %d deleted, %d documents still held, %d files removed\n",
			rep.Closed, rep.Deleted, rep.Held, rep.Files)
		return nil
	})
}

// purgeClosed applies the closure of accounts at start, then once a day.
func purgeClosed(ctx context.Context, svc *service.Service, log *slog.Logger) {
	run := func() {
		rep, err := svc.PurgeClosedAccounts(access.AsSystem(ctx), time.Now())
		if err != nil {
			log.Warn("closed accounts", "err", err)
		} else if rep.Closed+rep.Deleted > 0 {
			log.Info("closed accounts purged", "closed", rep.Closed, "deleted", rep.Deleted, "held", rep.Held)
		}
	}
	run()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if now.Sub(last) >= 24*time.Hour {
				last = now
				run()
			}
		}
	}
}
