package main

import (
	"bufio"
	"context"
	"fmt"
	"github.com/comptoir/comptoir/service"
	"io"
	"os"
	"strings"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/sheet"
	"github.com/comptoir/comptoir/vcard"
)

// splitFile takes the FILE argument wherever it stands among the flags.
func splitFile(args []string) (string, []string) {
	var file string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-"):
			rest = append(rest, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && a != "--skip-bad" && a != "-skip-bad" && a != "-h" && a != "--help" {
				rest = append(rest, args[i+1])
				i++
			}
		case file == "":
			file = a
		default:
			rest = append(rest, a)
		}
	}
	return file, rest
}

func runImportContacts(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "import contacts", "FILE --account ID [--skip-bad] [--progress]", "Import contacts from a CSV exported by a spreadsheet or another tool; one bad row rejects the whole file unless --skip-bad")
	accountID := fs.Int64("account", 0, "the account to import into (required)")
	skipBad := fs.Bool("skip-bad", false, "import the good rows and report the bad ones, instead of rejecting the file")
	progress := fs.Bool("progress", isTerminal(env.stderr), "show a progress bar on standard error (the default on a terminal)")
	file, rest := splitFile(args)
	return withService(ctx, env, fs, rest, func(in instance) error {
		if file == "" || *accountID <= 0 {
			return usageError{"usage: comptoir import contacts FILE --account ID"}
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		importer := in.svc.ImportContacts
		if strings.HasSuffix(strings.ToLower(file), ".vcf") {
			importer = in.svc.ImportVCards
		}
		var src io.Reader = f
		var bar *progressBar
		if *progress {
			bar = newProgressBar(env.stderr, f)
			src = bar
		}
		rep, err := importer(account.WithID(in.ctx, *accountID), bufio.NewReader(src), service.ImportOptions{SkipBad: *skipBad})
		if bar != nil {
			bar.done()
			fmt.Fprintln(env.stderr)
		}
		if err != nil {
			return describe(err)
		}
		for _, e := range rep.Errors {
			fmt.Fprintf(env.stderr, "line %d: %s: %s\n", e.Line, e.Field, e.Message)
		}
		fmt.Fprintf(env.stdout, "%d rows (%s, delimiter %q): %d created, %d duplicates skipped, %d with errors\n",
			rep.Rows, rep.Encoding, rep.Delimiter, rep.Created, rep.Duplicates, len(rep.Errors))
		if !rep.Applied {
			return fmt.Errorf("nothing imported: fix the rows above or use --skip-bad")
		}
		return nil
	})
}

func runExportContacts(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "export contacts", "--account ID [--excel]", "Write an account's contacts as CSV to standard output")
	accountID := fs.Int64("account", 0, "the account to export (required)")
	excel := fs.Bool("excel", false, "use ';' and a byte-order mark, for French Excel")
	asVCard := fs.Bool("vcard", false, "write vCard 4 instead of CSV")
	return withService(ctx, env, fs, args, func(in instance) error {
		if *accountID <= 0 {
			return usageError{"--account is required"}
		}
		ctx := account.WithID(in.ctx, *accountID)
		if *asVCard {
			return vcard.Write(env.stdout, func(yield func(crm.Contact) error) error {
				_, err := in.svc.ExportContacts(ctx, crm.Filter{}, yield)
				return err
			})
		}
		w, err := sheet.NewWriter(env.stdout, *excel)
		if err != nil {
			return err
		}
		if err := w.Write(crm.Columns); err != nil {
			return err
		}
		if _, err := in.svc.ExportContacts(ctx, crm.Filter{}, func(c crm.Contact) error { return w.Write(c.Row()) }); err != nil {
			return err
		}
		return w.Flush()
	})
}
