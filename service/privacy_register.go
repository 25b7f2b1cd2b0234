package service

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/storage"
)

// InstanceFacts are what the instance's configuration says about where and
// how data are processed: the register of processing activities reports
// them, and its checks compare the register with them.
type InstanceFacts struct {
	HostingProvider string // "OVH", "Scaleway", "on premises"
	HostingCountry  string // ISO 3166-1 alpha-2
	// HostingSafeguard is the safeguard of a transfer when the host is
	// outside the EEA ("Standard contractual clauses"), if configured.
	HostingSafeguard string
	SMTPHost         string // the SMTP server's host, never its credentials
	TLS              bool   // the server is reached over HTTPS
	// BackupDestinations are where backups go, written without credentials.
	BackupDestinations []string
	BackupRecipients   int // age recipients backups are encrypted to
	// Operator and OperatorDPO are the instance operator's identity, for
	// the processor's register (Article 30(2)).
	Operator    privacy.Contact
	OperatorDPO privacy.Contact
}

// SafeDestination writes a backup destination URL without its user,
// password and query (which may hold keys): "s3://bucket/prefix".
func SafeDestination(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" {
		return "?"
	}
	return u.Scheme + "://" + u.Host + u.Path
}

// destinationHost is the host of a backup destination, "" for a local one.
func destinationHost(d string) string {
	u, err := url.Parse(d)
	if err != nil || u.Scheme == "file" {
		return ""
	}
	return u.Hostname()
}

// registerModule describes the sheet generated for a module in use.
type registerModule struct {
	key      string
	module   access.Module // members who may view it are its internal recipients
	tables   []string      // whose declared personal columns it processes
	only     []privacy.Category
	policies []string
	inUse    func(storage.RegisterUsage) bool
}

var registerModules = []registerModule{
	{key: "sales", module: access.Sales, tables: []string{"contacts", "contact_addresses", "conversations", "documents", "document_lines", "payments"},
		policies: []string{privacy.Prospects, privacy.Clients, privacy.AccountingDocs},
		inUse:    func(u storage.RegisterUsage) bool { return u.Clients+u.Prospects+u.Sales+u.Conversations > 0 }},
	{key: "purchases", module: access.Purchases, tables: []string{"contacts", "documents", "document_lines", "payments", "attachments"},
		only:     []privacy.Category{privacy.Identity, privacy.ContactData, privacy.Bank, privacy.Professional, privacy.Purchases, privacy.Notes},
		policies: []string{privacy.Suppliers, privacy.AccountingDocs},
		inUse:    func(u storage.RegisterUsage) bool { return u.Suppliers+u.Purchases > 0 }},
	{key: "deliveries", module: access.Deliveries, tables: []string{"contacts", "contact_addresses", "documents"},
		only:     []privacy.Category{privacy.Identity, privacy.ContactData},
		policies: []string{privacy.Clients, privacy.AccountingDocs},
		inUse:    func(u storage.RegisterUsage) bool { return u.Deliveries > 0 }},
	{key: "support", module: access.Support, tables: []string{"cases", "conversations", "contacts"},
		only:     []privacy.Category{privacy.Identity, privacy.ContactData, privacy.Notes},
		policies: []string{privacy.Clients},
		inUse:    func(u storage.RegisterUsage) bool { return u.Cases > 0 }},
	{key: "users", module: access.Users, tables: []string{"users", "invitations", "sessions", "api_tokens", "password_resets",
		"email_verifications", "recovery_codes", "login_failures"},
		policies: []string{privacy.SessionsPolicy, privacy.ResetCodes, privacy.ClosedAccounts},
		inUse:    func(storage.RegisterUsage) bool { return true }},
	{key: "activity_log", module: access.Activity, tables: []string{"activity", "mail_log", "idempotency_keys"},
		policies: []string{privacy.ActivityLog, privacy.MailLog},
		inUse:    func(storage.RegisterUsage) bool { return true }},
}

// derived columns are kept from others (search keys): not listed.
var derivedColumns = []string{"sort_key", "search_text", "phone_key"}

// generateRegister builds the current account's register from the
// system, in the account's language, with the facts it was built from.
func (s *Service) generateRegister(ctx context.Context) (privacy.Register, privacy.Facts, error) {
	var reg privacy.Register
	var facts privacy.Facts
	acc, err := s.db.Account(ctx)
	if err != nil {
		return reg, facts, err
	}
	usage, err := s.db.RegisterUsage(ctx)
	if err != nil {
		return reg, facts, err
	}
	members, err := s.db.ListMembers(ctx)
	if err != nil {
		return reg, facts, err
	}
	policies, err := s.RetentionPolicies(ctx)
	if err != nil {
		return reg, facts, err
	}
	rights, err := s.memberRights(ctx, members)
	if err != nil {
		return reg, facts, err
	}
	txt := textFor(acc.Locale)
	reg.Controller = privacy.Contact{Organisation: acc.Name, Address: formatAddress(acc.Address), Email: acc.Email, Phone: acc.Phone}
	for _, m := range members {
		if m.Role == access.RoleOwner && m.DisabledAt == nil {
			reg.Controller.LastName = m.Name
			if reg.Controller.Email == "" {
				reg.Controller.Email = m.Email
			}
			break
		}
	}
	reg.Title = privacy.DefaultTitle(reg, acc.Locale)
	day := acc.CreatedAt.In(acc.Location()).Format(time.DateOnly)
	processors, names := s.instanceProcessors(txt)
	facts = privacy.Facts{Plain: !s.Instance.TLS, HostingProvider: s.Instance.HostingProvider, HostingCountry: s.Instance.HostingCountry,
		Processors: names, BackupDestinations: len(s.Instance.BackupDestinations)}
	security := s.securityMeasures(txt, acc)
	for _, m := range registerModules {
		if !m.inUse(usage) {
			continue
		}
		facts.Modules = append(facts.Modules, m.key)
		st := txt.sheets[m.key]
		sh := privacy.Sheet{Key: m.key, Name: st.name, Designation: st.designation, Created: day, Updated: day,
			Software: txt.software, Purposes: st.purposes, Subjects: st.subjects,
			SensitiveDetail: txt.sensitiveNo, Security: security}
		sh.Data, sh.LegalBasis = declaredData(txt, m)
		sh.Retention = retentionItems(txt, acc.Locale, m.policies, policies)
		sh.Recipients = recipients(txt, m.module, members, rights)
		sh.Recipients.Processors = processors
		sh.Transfers, sh.TransfersText = s.transfers(txt)
		reg.Activities = append(reg.Activities, sh)
	}
	reg.Normalize()
	return reg, facts, nil
}

func formatAddress(a account.Address) string {
	city := strings.TrimSpace(a.PostalCode + " " + a.City)
	var parts []string
	for _, p := range []string{a.Line1, a.Line2, city, a.Country} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// declaredData groups the declared personal columns of a module's tables
// by category, with the columns named in the register's words as detail,
// and joins their legal bases.
func declaredData(txt registerText, m registerModule) ([]privacy.DataItem, string) {
	cols := map[privacy.Category][]string{}
	var bases []privacy.Basis
	for _, f := range privacy.Fields {
		if !slices.Contains(m.tables, f.Table) || slices.Contains(derivedColumns, f.Column) {
			continue
		}
		if len(m.only) > 0 && !slices.Contains(m.only, f.Category) {
			continue
		}
		cols[f.Category] = addLabel(cols[f.Category], fieldLabel(txt.lang, f.Table, f.Column))
		if !slices.Contains(bases, f.Basis) {
			bases = append(bases, f.Basis)
		}
	}
	var items []privacy.DataItem
	for _, c := range privacy.Categories {
		if len(cols[c]) > 0 {
			items = append(items, privacy.DataItem{Category: txt.categories[c], Detail: strings.Join(cols[c], ", ")})
		}
	}
	var names []string
	for _, b := range []privacy.Basis{privacy.Contract, privacy.LegalObligation, privacy.LegitimateInterest, privacy.ConsentBasis} {
		if slices.Contains(bases, b) {
			names = append(names, txt.bases[b])
		}
	}
	return items, strings.Join(names, " ; ")
}

// retentionItems states the active policies among keys.
func retentionItems(txt registerText, lang string, keys []string, active []privacy.Policy) []privacy.Retention {
	var out []privacy.Retention
	for _, k := range keys {
		i := slices.IndexFunc(active, func(p privacy.Policy) bool { return p.Key == k })
		if i < 0 {
			continue
		}
		p := active[i]
		total := p.Total()
		text := privacy.FormatPeriod(total, lang) + " " + txt.retentionFrom[p.From]
		var cats []string
		for _, c := range p.Category {
			cats = append(cats, txt.categories[c])
		}
		out = append(out, privacy.Retention{Category: policyLabel(lang, k) + " (" + strings.Join(cats, ", ") + ")",
			Text: strings.TrimSpace(text), Policy: k, Period: &total})
	}
	return out
}

func policyLabel(lang, key string) string {
	fr := map[string]string{privacy.Prospects: "Prospects", privacy.Clients: "Clients", privacy.Suppliers: "Fournisseurs",
		privacy.AccountingDocs: "Pièces comptables", privacy.ActivityLog: "Journal d'activité", privacy.MailLog: "Journal des e-mails",
		privacy.SessionsPolicy: "Sessions", privacy.ResetCodes: "Codes de réinitialisation", privacy.ClosedAccounts: "Comptes fermés"}
	en := map[string]string{privacy.Prospects: "Prospects", privacy.Clients: "Clients", privacy.Suppliers: "Suppliers",
		privacy.AccountingDocs: "Accounting documents", privacy.ActivityLog: "Activity log", privacy.MailLog: "E-mail log",
		privacy.SessionsPolicy: "Sessions", privacy.ResetCodes: "Reset codes", privacy.ClosedAccounts: "Closed accounts"}
	m := fr
	if lang == "en" {
		m = en
	}
	if l, ok := m[key]; ok {
		return l
	}
	return key
}

// memberRights resolves each enabled member's role once.
func (s *Service) memberRights(ctx context.Context, members []identity.Member) (map[string]access.Rights, error) {
	out := map[string]access.Rights{}
	roles, err := s.db.ListRoles(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if _, done := out[m.Role]; done {
			continue
		}
		if r, ok := access.Builtin(m.Role); ok {
			out[m.Role] = r
			continue
		}
		for _, c := range roles {
			if c.Key() == m.Role {
				r := c.Rights
				r.Role = c.Name
				out[m.Role] = r
			}
		}
	}
	return out, nil
}

// recipients lists who may see a module: members by role as internal
// departments, and an accountant's firm, named by their e-mail domain, as
// an external recipient.
func recipients(txt registerText, module access.Module, members []identity.Member, rights map[string]access.Rights) privacy.Recipients {
	var rec privacy.Recipients
	counts := map[string]int{}
	var order []string
	var firms []string
	for _, m := range members {
		r, ok := rights[m.Role]
		if m.DisabledAt != nil || !ok || !r.Can(module, access.View) {
			continue
		}
		if m.Role == access.RoleAccountant {
			_, domain, _ := strings.Cut(m.Email, "@")
			if !slices.Contains(firms, domain) {
				firms = append(firms, domain)
			}
			continue
		}
		if counts[m.Role] == 0 {
			order = append(order, m.Role)
		}
		counts[m.Role]++
	}
	for _, role := range order {
		name, ok := txt.roles[role]
		if !ok {
			name = fmt.Sprintf(txt.customRole, rights[role].Role)
		}
		rec.Internal = append(rec.Internal, fmt.Sprintf(txt.members, name, counts[role]))
	}
	for _, d := range firms {
		rec.External = append(rec.External, fmt.Sprintf(txt.accountant, d))
	}
	return rec
}

// instanceProcessors lists the processors the configuration uses, as the
// register writes them and by the names the checks look for.
func (s *Service) instanceProcessors(txt registerText) (lines, names []string) {
	in := s.Instance
	if in.HostingProvider != "" {
		lines = append(lines, fmt.Sprintf(txt.hosting, in.HostingProvider, in.HostingCountry))
		names = append(names, in.HostingProvider)
	}
	if in.SMTPHost != "" {
		lines = append(lines, fmt.Sprintf(txt.smtp, in.SMTPHost))
		names = append(names, in.SMTPHost)
	}
	for _, d := range in.BackupDestinations {
		if h := destinationHost(d); h != "" && !slices.Contains(names, h) {
			lines = append(lines, fmt.Sprintf(txt.backup, h))
			names = append(names, h)
		}
	}
	return lines, names
}

func (s *Service) transfers(txt registerText) ([]privacy.Transfer, string) {
	in := s.Instance
	if privacy.InEEA(in.HostingCountry) {
		return nil, txt.noTransfer
	}
	return []privacy.Transfer{{Recipient: in.HostingProvider, Country: in.HostingCountry, Safeguard: in.HostingSafeguard}}, ""
}

// securityMeasures states the measures the configuration actually takes.
func (s *Service) securityMeasures(txt registerText, acc account.Account) []string {
	in := s.Instance
	p := s.Password
	out := []string{fmt.Sprintf(txt.hashing, p.Memory/1024, p.Time)}
	if in.TLS {
		out = append(out, txt.tls)
	}
	if acc.Require2FA {
		out = append(out, txt.twoFactor)
	} else {
		out = append(out, txt.twoFactorOpt)
	}
	out = append(out, txt.rights, txt.chain, txt.reset, txt.http)
	if n := len(in.BackupDestinations); n > 0 {
		var ds []string
		for _, d := range in.BackupDestinations {
			ds = append(ds, SafeDestination(d))
		}
		out = append(out, fmt.Sprintf(txt.backups, in.BackupRecipients, n, strings.Join(ds, ", ")))
	}
	return out
}
