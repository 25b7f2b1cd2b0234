package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"filippo.io/age"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/config"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
)

// backupSettings turns the configuration into the service's backup settings.
func backupSettings(cfg config.Config) service.BackupSettings {
	keep, _ := config.Keep(cfg.BackupKeep) // validated with the configuration
	host, _ := os.Hostname()
	return service.BackupSettings{Destinations: config.List(cfg.BackupDestinations), Recipients: cfg.BackupRecipients,
		Identity: cfg.BackupIdentity, DataDir: dataDir(cfg), Policy: backup.Policy{Daily: keep[0], Weekly: keep[1], Monthly: keep[2]},
		Host: host, Version: version()}
}

func dataDir(cfg config.Config) string {
	if cfg.DataDir == "" {
		return "comptoir-data"
	}
	return cfg.DataDir
}

func runBackupRun(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "backup run", "", "Back up the whole instance now, as the server does nightly: a consistent snapshot of the database and the attached files, compressed, encrypted to COMPTOIR_BACKUP_RECIPIENTS, uploaded to every COMPTOIR_BACKUP_DESTINATIONS, then each destination's old backups rotated away")
	return withService(ctx, env, fs, args, func(in instance) error {
		rep, err := in.svc.RunBackupNow(in.ctx, leaseHolder(), deadHolder)
		printBackup(env.stdout, rep)
		return describe(err)
	})
}

func printBackup(w io.Writer, rep service.BackupReport) {
	if rep.Status == "" {
		return
	}
	fmt.Fprintf(w, "backup %s: %s in %.1f s (snapshot %.1f s, archive %.1f s, upload %.1f s)\n", rep.ID, rep.Status,
		rep.Seconds, rep.SnapshotSeconds, rep.ArchiveSeconds, rep.UploadSeconds)
	fmt.Fprintf(w, "  %s, %d accounts, %d rows, %d files: %s archived, %s encrypted\n", rep.Engine, rep.Accounts, rep.Rows,
		rep.Files, bytesText(rep.PlainBytes), bytesText(rep.Size))
	for _, c := range rep.Checks {
		fmt.Fprintf(w, "  checked: %s\n", c)
	}
	for _, warn := range rep.Warnings {
		fmt.Fprintf(w, "  WARNING: %s\n", warn)
	}
	for _, d := range rep.Destinations {
		state := "ok"
		if !d.OK {
			state = "FAILED: " + d.Error
		}
		fmt.Fprintf(w, "  %s: %s (%.1f s)", d.Destination, state, d.Seconds)
		if len(d.Removed) > 0 {
			fmt.Fprintf(w, ", rotated away: %s", strings.Join(d.Removed, " "))
		}
		if d.RotateError != "" {
			fmt.Fprintf(w, ", rotation failed: %s", d.RotateError)
		}
		fmt.Fprintln(w)
	}
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// destinationsFrom returns --from when given, else every configured
// destination.
func destinationsFrom(cfg config.Config, from string) ([]string, error) {
	if from != "" {
		return []string{from}, nil
	}
	list := config.List(cfg.BackupDestinations)
	if len(list) == 0 {
		return nil, usageError{"no backup destination: give --from URL or set COMPTOIR_BACKUP_DESTINATIONS"}
	}
	return list, nil
}

func runBackupList(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "backup list", "[--from URL]", "List the complete backups of every destination (or of --from), newest first, with whether each copy was verified by a restore; no key needed")
	from := fs.String("from", "", "one destination URL (default: every COMPTOIR_BACKUP_DESTINATIONS)")
	cfg, err := loadConfig(env, fs, args)
	if err != nil {
		return err
	}
	list, err := destinationsFrom(cfg, *from)
	if err != nil {
		return err
	}
	var failed []error
	for _, raw := range list {
		if err := listOne(ctx, env.stdout, raw); err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

func listOne(ctx context.Context, w io.Writer, raw string) error {
	fmt.Fprintf(w, "%s\n", backup.Redact(raw))
	d, err := backup.Open(ctx, raw)
	if err != nil {
		fmt.Fprintf(w, "  unreachable: %v\n", err)
		return err
	}
	defer func() { _ = d.Close() }()
	list, incomplete, err := backup.List(ctx, d)
	if err != nil {
		fmt.Fprintf(w, "  cannot list: %v\n", err)
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(w, "  no backup yet")
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, l := range list {
		verified := "not verified"
		if l.Verified != nil {
			verified = "verified " + l.Verified.VerifiedAt.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d accounts\t%d rows\t%d files\t%s\n", l.ID, l.SnapshotAt.Local().Format("2006-01-02 15:04"),
			l.Engine, bytesText(l.Size), len(l.Accounts), l.Rows, l.Files, verified)
	}
	_ = tw.Flush()
	for _, inc := range incomplete {
		if inc.Unreadable != "" {
			fmt.Fprintf(w, "  UNREADABLE: %s: %s\n", inc.Object.Name, inc.Unreadable)
			continue
		}
		fmt.Fprintf(w, "  incomplete: %s (%s; an upload cut short or under way)\n", inc.Object.Name, bytesText(inc.Object.Size))
	}
	return nil
}

func runBackupVerify(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "backup verify", "--identity FILE [--from URL] [--backup ID]", "Download a backup, decrypt it, check every checksum, restore it into a temporary database and check that (integrity, row counts, activity-log chains, attached files); the copy is then marked verified in its destination. By default the newest backup of every destination. Runs on the server or on the machine that holds the key (which needs only the destinations' settings)")
	identity := fs.String("identity", "", "file of the age private key (required)")
	from := fs.String("from", "", "one destination URL (default: every COMPTOIR_BACKUP_DESTINATIONS)")
	id := fs.String("backup", "", "the backup id (default: the newest)")
	cfg, ids, list, err := keyAndDestinations(env, fs, args, identity, from)
	if err != nil {
		return err
	}
	verify := func(raw string) (service.VerifyReport, error) {
		host, _ := os.Hostname()
		return service.Verify(ctx, service.VerifyOptions{Identities: ids, From: raw, BackupID: *id, Host: host})
	}
	if hasInstance(cfg) {
		log := newLogger(cfg, env.stderr)
		svc, closeDB, err := openService(ctx, env, cfg, log)
		if err != nil {
			return fmt.Errorf("database: %w", err)
		}
		defer closeDB()
		verify = func(raw string) (service.VerifyReport, error) { return svc.VerifyBackup(ctx, ids, raw, *id) }
	} else {
		fmt.Fprintln(env.stdout, "no instance database here: each verification is marked in its destination, and the server records it at its next backup")
	}
	var failed []error
	for _, raw := range list {
		rep, err := verify(raw)
		if err != nil {
			fmt.Fprintf(env.stdout, "%s: backup %s FAILED verification: %v\n", backup.Redact(raw), rep.ID, err)
			failed = append(failed, err)
			continue
		}
		fmt.Fprintf(env.stdout, "%s: backup %s verified in %.1f s (download and decrypt %.1f s): %d accounts, %d rows, %d files\n",
			rep.Destination, rep.ID, rep.Seconds, rep.DownloadSeconds, rep.Accounts, rep.Rows, rep.Files)
		for _, c := range rep.Checks {
			fmt.Fprintf(env.stdout, "  checked: %s\n", c)
		}
		for _, w := range rep.Warnings {
			fmt.Fprintf(env.stdout, "  WARNING: %s\n", w)
		}
	}
	return errors.Join(failed...)
}

// hasInstance reports whether the configuration names an existing
// instance database (PostgreSQL, or a SQLite file in the data directory).
func hasInstance(cfg config.Config) bool {
	if cfg.DatabaseURL != "" {
		return true
	}
	_, err := os.Stat(filepath.Join(dataDir(cfg), "comptoir.db"))
	return err == nil
}

// keyAndDestinations parses a command that reads backups: its
// configuration, the identity file's keys and the destinations to read.
// identity and from point at flags of fs, read once it is parsed.
func keyAndDestinations(env *environment, fs *flag.FlagSet, args []string, identity, from *string) (config.Config, []age.Identity, []string, error) {
	cfg, err := loadConfig(env, fs, args)
	if err != nil {
		return cfg, nil, nil, err
	}
	ids, err := identities(*identity)
	if err != nil {
		return cfg, nil, nil, err
	}
	list, err := destinationsFrom(cfg, *from)
	return cfg, ids, list, err
}

func identities(path string) ([]age.Identity, error) {
	if path == "" {
		return nil, usageError{"--identity FILE is required: the age private key that decrypts the backups"}
	}
	return backup.ReadIdentities(path)
}

func runBackupKeygen(_ context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "backup keygen", "[--output FILE]", "Make a new age key pair for backups: the private key (keep it OFF the server, in two safe places) to --output or stdout; the public key, for COMPTOIR_BACKUP_RECIPIENTS, on stderr")
	output := fs.String("output", "", "file to write the private key to (created, mode 0600; default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return err
	}
	text := fmt.Sprintf("# created: %s\n# public key: %s\n%s\n", time.Now().UTC().Format(time.RFC3339), id.Recipient(), id)
	if *output == "" {
		fmt.Fprint(env.stdout, text)
	} else {
		f, err := os.OpenFile(*output, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := f.WriteString(text); err != nil {
			_ = f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.stderr, "Public key: %s\n", id.Recipient())
	return nil
}

func runRestore(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "restore", "--identity FILE [--from URL] [--backup ID] [--dry-run]", "Bring the instance back from a backup into an empty data directory (SQLite) or an empty database (COMPTOIR_DATABASE_URL): download, decrypt, check every checksum, put the database and attached files in place, apply newer migrations, check the result. Prints how long it took")
	identity := fs.String("identity", "", "file of the age private key (required)")
	from := fs.String("from", "", "destination URL (default: the first of COMPTOIR_BACKUP_DESTINATIONS)")
	id := fs.String("backup", "", "the backup id (default: the newest)")
	dry := fs.Bool("dry-run", false, "do everything in a scratch directory and report, leaving the target untouched")
	cfg, ids, list, err := keyAndDestinations(env, fs, args, identity, from)
	if err != nil {
		return err
	}
	opts := service.RestoreOptions{Identities: ids, From: list[0], BackupID: *id, DryRun: *dry,
		Target: storage.Options{URL: cfg.DatabaseURL, DataDir: dataDir(cfg), MaxReaders: 4}}
	rep, err := service.Restore(ctx, opts)
	if err != nil {
		if rep.ID != "" {
			fmt.Fprintf(env.stdout, "restore of backup %s from %s FAILED after %.1f s\n", rep.ID, rep.From, rep.Seconds)
		}
		return err
	}
	verb := "restored"
	if rep.DryRun {
		verb = "would be restored (dry run: nothing changed)"
	}
	fmt.Fprintf(env.stdout, "backup %s of %s %s from %s in %.1f s (download and decrypt %.1f s, database and files %.1f s)\n",
		rep.ID, rep.SnapshotAt.Local().Format("2006-01-02 15:04"), verb, rep.From, rep.Seconds, rep.DownloadSeconds, rep.LoadSeconds)
	fmt.Fprintf(env.stdout, "  %d accounts, %d rows, %d attached files\n", len(rep.Accounts), rep.Rows, rep.Files)
	for _, a := range rep.Accounts {
		fmt.Fprintf(env.stdout, "  account %d: %s\n", a.ID, a.Name)
	}
	for _, c := range rep.Checks {
		fmt.Fprintf(env.stdout, "  checked: %s\n", c)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(env.stdout, "  WARNING: %s\n", w)
	}
	return nil
}

func runBackupAccount(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "backup account", "--account ID [--output FILE] [--passphrase-file FILE]", "Write a restorable backup of one account: its rows, the users they name (without passwords) and its attached files, encrypted to COMPTOIR_BACKUP_RECIPIENTS or to a passphrase")
	accountID := fs.Int64("account", 0, "the account to back up (required)")
	output := fs.String("output", "", "file to write (default: standard output)")
	passFile := fs.String("passphrase-file", "", "encrypt to the passphrase in this file instead of the recipients' keys")
	return withService(ctx, env, fs, args, func(in instance) error {
		if *accountID <= 0 {
			return usageError{"--account ID is required"}
		}
		var recipients []age.Recipient
		if *passFile != "" {
			pass, err := readPassphrase(*passFile)
			if err != nil {
				return err
			}
			r, err := service.AccountBackupRecipient(pass)
			if err != nil {
				return describe(err)
			}
			recipients = []age.Recipient{r}
		} else {
			var err error
			if recipients, err = backup.ParseRecipients(in.cfg.BackupRecipients); err != nil {
				return usageError{err.Error() + " (or give --passphrase-file)"}
			}
		}
		w, finish, err := outputFile(env, *output)
		if err != nil {
			return err
		}
		m, err := in.svc.ExportAccountBackup(account.WithID(in.ctx, *accountID), w, recipients)
		if err = finish(err); err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.stderr, "account %d backed up as %s: %d tables, %d attached files\n", *accountID, m.ID, len(m.Tables), m.Files)
		return nil
	})
}

// outputFile opens the file a command writes to, or stdout; finish closes
// it, and removes it when the command failed, so that no half-written file
// looks complete.
func outputFile(env *environment, path string) (io.Writer, func(error) error, error) {
	if path == "" {
		return env.stdout, func(err error) error { return err }, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(path)
		}
		return err
	}, nil
}

func readPassphrase(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("passphrase file: %w", err)
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

func runRestoreAccount(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "restore account", "FILE (--identity FILE | --passphrase-file FILE)", "Put one account back into this instance from its backup, beside the other accounts, with its ids; refused, changing nothing, when the account or any of its ids already exist")
	identity := fs.String("identity", "", "file of the age private key the backup was encrypted to")
	passFile := fs.String("passphrase-file", "", "file holding the passphrase the backup was encrypted with")
	file, rest := splitFile(args)
	return withService(ctx, env, fs, rest, func(in instance) error {
		if file == "" {
			return usageError{"give the backup FILE to restore"}
		}
		var ids []age.Identity
		switch {
		case *passFile != "":
			pass, err := readPassphrase(*passFile)
			if err != nil {
				return err
			}
			id, err := age.NewScryptIdentity(pass)
			if err != nil {
				return err
			}
			ids = []age.Identity{id}
		default:
			var err error
			if ids, err = identities(*identity); err != nil {
				return err
			}
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		rep, err := in.svc.RestoreAccount(in.ctx, f, ids)
		if err != nil {
			return describe(err)
		}
		for _, a := range rep.Accounts {
			fmt.Fprintf(env.stdout, "account %d (%s) restored from backup %s of %s in %.1f s: %d rows, %d attached files\n",
				a.ID, a.Name, rep.ID, rep.SnapshotAt.Local().Format("2006-01-02 15:04"), rep.Seconds, rep.Rows, rep.Files)
		}
		for _, c := range rep.Checks {
			fmt.Fprintf(env.stdout, "  checked: %s\n", c)
		}
		return nil
	})
}
