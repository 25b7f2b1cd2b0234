package main

import (
	"context"
	"fmt"
	"net/url"
	"os"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/config"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
)

// instanceFacts is what the configuration says about hosting, e-mail,
// backups and the operator, for the registers of processing activities.
func instanceFacts(cfg config.Config) service.InstanceFacts {
	f := service.InstanceFacts{HostingProvider: cfg.HostingProvider, HostingCountry: cfg.HostingCountry,
		HostingSafeguard: cfg.HostingSafeguard, BackupDestinations: config.List(cfg.BackupDestinations),
		BackupRecipients: len(config.List(cfg.BackupRecipients)),
		TLS:              cfg.TLSCert != "" || isHTTPS(cfg.PublicURL),
		Operator:         privacy.Contact{Organisation: cfg.OperatorName, Address: cfg.OperatorAddress, Email: cfg.OperatorEmail}}
	if cfg.SMTPURL != "" {
		if u, err := url.Parse(cfg.SMTPURL); err == nil {
			f.SMTPHost = u.Hostname() // never the user or the password
		}
	}
	if cfg.OperatorDPO != "" {
		f.OperatorDPO.LastName = cfg.OperatorDPO
	}
	return f
}

func runRegisterExport(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "register export", "(--account ID | --processor) [--format pdf|md|json] [--output FILE]",
		"Write an account's register of processing activities, or the operator's register as a processor")
	accountID := fs.Int64("account", 0, "the account whose register to export")
	processor := fs.Bool("processor", false, "export the instance operator's register as a processor (Article 30(2))")
	format := fs.String("format", "pdf", "pdf, md or json")
	output := fs.String("output", "", "file to write (default: standard output)")
	version := fs.Int64("version", 0, "a saved version of the register (default: the register as it stands)")
	lang := fs.String("lang", "fr", "language of the processor's register: fr or en")
	return withService(ctx, env, fs, args, func(in instance) error {
		if (*accountID > 0) == *processor {
			return usageError{"give either --account ID or --processor"}
		}
		var out service.Export
		var err error
		if *processor {
			out, err = in.svc.ExportProcessorRegister(in.ctx, nil, *format, *lang)
		} else {
			out, err = in.svc.ExportRegister(account.WithID(in.ctx, *accountID), *format, *version)
		}
		if err != nil {
			return err
		}
		if *output == "" {
			_, err = env.stdout.Write(out.Data)
			return err
		}
		return os.WriteFile(*output, out.Data, 0o600)
	})
}

func runRegisterImport(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "register import", "FILE --account ID",
		"Read a register of processing activities from JSON (as exported) and save it as a new version")
	accountID := fs.Int64("account", 0, "the account whose register it is (required)")
	file, rest := splitFile(args)
	return withService(ctx, env, fs, rest, func(in instance) error {
		if *accountID <= 0 || file == "" {
			return usageError{"usage: comptoir register import FILE --account ID"}
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		v, err := in.svc.ImportRegister(account.WithID(in.ctx, *accountID), f)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(env.stdout, "version %d\n", v.ID)
		return err
	})
}
