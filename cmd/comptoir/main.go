// Command comptoir runs Comptoir: the web server and the commands that
// manage an instance. This is the only place where the packages are wired
// together; every command reads the same configuration (flags and
// COMPTOIR_* variables) as `comptoir serve`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/comptoir/comptoir/password"
)

// command is one subcommand of comptoir.
type command struct {
	name    string
	summary string
	usage   string // arguments after the command name
	run     func(ctx context.Context, env *environment, args []string) error
}

// environment is what a command runs with: the process's outside world,
// injectable for tests.
type environment struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	// passwordCost overrides the argon2id cost; tests lower it so that the
	// race detector does not turn each login into seconds.
	passwordCost *password.Params
}

func commands() []command {
	return []command{
		{name: "serve", summary: "run the web server (creates and migrates the database)", run: runServe},
		{name: "migrate", summary: "apply pending database migrations (--status to list them)", run: runMigrate},
		{name: "demo", summary: "create (or reset) a French demo account and print how to log in", run: runDemo},
		{name: "account create", summary: "create an account and its owner; prints the account id last", usage: "--name NAME --email EMAIL --password PASSWORD", run: runAccountCreate},
		{name: "account list", summary: "list the accounts of this instance", run: runAccountList},
		{name: "token create", summary: "create an API token for a user; prints the token alone", usage: "--email EMAIL [--account ID] [--name NAME]", run: runTokenCreate},
		{name: "operator create", summary: "create an instance operator (accounts and health, no account data)", usage: "--email EMAIL --password PASSWORD", run: runOperatorCreate},
		{name: "import contacts", summary: "import contacts from a spreadsheet CSV (UTF-8 or Windows-1252, ',' or ';') or a .vcf file", usage: "FILE --account ID [--skip-bad]", run: runImportContacts},
		{name: "export contacts", summary: "write an account's contacts as CSV to stdout", usage: "--account ID [--excel | --vcard]", run: runExportContacts},
		{name: "export account", summary: "write a whole account (or a closed account's archive) as a ZIP file to stdout", usage: "--account ID", run: runExportAccount},
		{name: "account purge-closed", summary: "delete closed accounts' data after their grace period, as the server does daily", usage: "[--as-of DATE]", run: runPurgeClosed},
		{name: "activity purge", summary: "apply the activity log's retention now", run: runActivityPurge},
		{name: "retention run", summary: "apply the retention policies now, as the server does daily (--dry-run: only say what would happen)", usage: "[--dry-run] [--account ID] [--as-of YYYY-MM-DD]", run: runRetention},
		{name: "dunning run", summary: "send the unpaid-invoice reminders due now, as the server does daily", run: runDunning},
		{name: "activity verify", summary: "check an account's activity log for altered or deleted entries", usage: "--account ID", run: runActivityVerify},
		{name: "register export", summary: "write an account's register of processing activities (or the operator's, --processor) as PDF, Markdown or JSON", usage: "(--account ID | --processor) [--format pdf|md|json] [--output FILE]", run: runRegisterExport},
		{name: "register import", summary: "read an account's register of processing activities from JSON as a new version", usage: "FILE --account ID", run: runRegisterImport},
		{name: "backup run", summary: "back up the whole instance now to every destination, as the server does nightly", run: runBackupRun},
		{name: "backup list", summary: "list the backups of every destination, newest first (no key needed)", usage: "[--from URL]", run: runBackupList},
		{name: "backup verify", summary: "restore a backup into a temporary database and check it; marks the copy verified", usage: "--identity FILE [--from URL] [--backup ID]", run: runBackupVerify},
		{name: "backup keygen", summary: "make an age key pair for backups (the private key stays off the server)", usage: "[--output FILE]", run: runBackupKeygen},
		{name: "backup account", summary: "write a restorable backup of one account, encrypted", usage: "--account ID [--output FILE] [--passphrase-file FILE]", run: runBackupAccount},
		{name: "restore account", summary: "put one account back into this instance from its backup", usage: "FILE (--identity FILE | --passphrase-file FILE)", run: runRestoreAccount},
		{name: "restore", summary: "bring the instance back from a backup into an empty data directory or database", usage: "--identity FILE [--from URL] [--backup ID] [--dry-run]", run: runRestore},
		{name: "config", summary: "print the effective configuration, secrets masked", run: runConfig},
		{name: "version", summary: "print the version", run: runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &environment{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr}
	if err := run(ctx, env, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "comptoir:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// run dispatches args to a command: the longest command name that prefixes
// the arguments wins ("account create" before "account").
func run(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		printHelp(env.stdout)
		return usageError{"no command given"}
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return runHelp(env, args[1:])
	}
	cmd, rest, ok := findCommand(args)
	if !ok {
		printHelp(env.stderr)
		return usageError{fmt.Sprintf("unknown command %q", strings.Join(args, " "))}
	}
	return cmd.run(ctx, env, rest)
}

func findCommand(args []string) (command, []string, bool) {
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return len(cmds[i].name) > len(cmds[j].name) })
	for _, c := range cmds {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Comptoir: commercial management for small businesses.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: comptoir COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-16s %s\n", "help [COMMAND]", "show help for a command")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every command reads the same settings as serve: flags, or COMPTOIR_* variables")
	fmt.Fprintln(w, "(see `comptoir help serve`). Without COMPTOIR_DATABASE_URL the data lives in SQLite")
	fmt.Fprintln(w, "under ./comptoir-data.")
}

func runHelp(env *environment, args []string) error {
	if len(args) == 0 {
		printHelp(env.stdout)
		return nil
	}
	cmd, _, ok := findCommand(args)
	if !ok {
		return usageError{fmt.Sprintf("unknown command %q", strings.Join(args, " "))}
	}
	helpEnv := *env
	helpEnv.stderr = env.stdout
	err := cmd.run(context.Background(), &helpEnv, []string{"-h"})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// newFlagSet returns a flag set for a command whose -h prints its usage.
func newFlagSet(env *environment, name, usage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("comptoir "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: comptoir %s [flags] %s\n\n%s.\n\nFlags:\n", name, usage, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}
