package service

import (
	"context"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
)

// processorCategories are the categories of processing the operator
// carries out for every account, per language.
var processorCategories = map[string][]string{
	"fr": {"Hébergement et conservation des données de gestion commerciale (clients, prospects, fournisseurs, documents, paiements)",
		"Envoi des e-mails des comptes (documents, relances, invitations, codes)",
		"Sauvegardes chiffrées et restauration",
		"Support technique, sur autorisation du compte et limité dans le temps"},
	"en": {"Hosting and storage of sales management data (clients, prospects, suppliers, documents, payments)",
		"Sending the accounts' e-mails (documents, reminders, invitations, codes)",
		"Encrypted backups and restore",
		"Technical support, when the account grants it and for a limited time"},
}

// ProcessorRegister returns the instance operator's register as a
// processor (GDPR Article 30(2)): its identity, the accounts it processes
// data for, the categories of processing, transfers and security
// measures. Only the operator (in the console) and the system (commands)
// read it; it holds no account's business data.
func (s *Service) ProcessorRegister(ctx context.Context, op *identity.Operator, lang string) (privacy.ProcessorRegister, error) {
	if op == nil && !access.IsSystem(ctx) {
		return privacy.ProcessorRegister{}, errs.E("service.ProcessorRegister", errs.Forbidden, "only the instance's operator keeps the processor's register")
	}
	if lang != "en" {
		lang = "fr"
	}
	txt := textFor(lang)
	p := privacy.ProcessorRegister{Operator: s.Instance.Operator, DPO: s.Instance.OperatorDPO,
		Categories: processorCategories[lang]}
	accounts, err := s.db.ListAccounts(ctx)
	if err != nil {
		return p, err
	}
	for _, a := range accounts {
		acc, err := s.db.Account(account.WithID(ctx, a.ID))
		if err != nil {
			return p, err
		}
		p.Controllers = append(p.Controllers, privacy.ControllerEntry{AccountID: acc.ID, Name: acc.Name, Email: acc.Email,
			Address: formatAddress(acc.Address), Since: acc.CreatedAt.UTC().Format(time.DateOnly)})
	}
	p.SubProcessors, _ = s.instanceProcessors(txt)
	p.Transfers, p.TransfersText = s.transfers(txt)
	p.Security = s.securityMeasures(txt, account.Account{})
	return p, nil
}

// ExportProcessorRegister writes the processor's register as PDF, Markdown
// or JSON.
func (s *Service) ExportProcessorRegister(ctx context.Context, op *identity.Operator, format, lang string) (Export, error) {
	p, err := s.ProcessorRegister(ctx, op, lang)
	if err != nil {
		return Export{}, err
	}
	var out Export
	switch format {
	case "json":
		out, err = RenderRegister(privacy.Register{}, "json", lang, time.Time{})
		if err == nil {
			out.Data, err = jsonIndent(p)
		}
	case "md":
		out = Export{Data: []byte(privacy.Markdown(privacy.ProcessorOutline(p, lang))), ContentType: "text/markdown; charset=utf-8", Filename: ".md"}
	case "pdf":
		blocks := privacy.ProcessorOutline(p, lang)
		var b []byte
		b, err = reportPDF(blocks[0].Text, p.Operator.Organisation, blocks, lang, s.db.Now(ctx))
		out = Export{Data: b, ContentType: "application/pdf", Filename: ".pdf"}
	default:
		_, err = RenderRegister(privacy.Register{}, format, lang, time.Time{})
	}
	out.Filename = "registre-sous-traitant" + out.Filename
	return out, err
}
