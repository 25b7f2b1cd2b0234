package privacy

import (
	"fmt"
	"slices"
	"strings"
)

// Finding is something an auditor would flag in a register. Code is
// stable (a translation key and what tests look for); Sheet is the key of
// the activity it concerns ("" for the register as a whole) and Field the
// JSON path of the field to fix.
type Finding struct {
	Code    string `json:"code"`
	Sheet   string `json:"sheet,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// The finding codes.
const (
	FindControllerMissing      = "controller_missing"
	FindLegalBasisMissing      = "legal_basis_missing"
	FindPurposeMissing         = "purpose_missing"
	FindSubjectsMissing        = "subjects_missing"
	FindDataMissing            = "data_missing"
	FindRetentionMissing       = "retention_missing"
	FindRetentionExceedsPolicy = "retention_exceeds_policy"
	FindRetentionNoPolicy      = "retention_policy_inactive"
	FindTransferNoSafeguard    = "transfer_without_safeguard"
	FindModuleWithoutSheet     = "module_without_sheet"
	FindTransferUndeclared     = "transfer_undeclared"
	FindProcessorUndeclared    = "processor_undeclared"
	FindBackupMissing          = "backup_missing"
	FindTLSMissing             = "tls_missing"
	FindHostingUnknown         = "hosting_unknown"
)

// Facts are what the instance's configuration and data say, against which
// a register is checked. A nil *Facts checks the register alone.
type Facts struct {
	// Modules are the keys of the activities the system runs for the
	// account (the modules in use).
	Modules []string
	// HostingProvider and HostingCountry are where the data live.
	HostingProvider string
	HostingCountry  string
	// Processors are the names of the processors the configuration uses
	// (the host, the SMTP provider, backup destinations).
	Processors []string
	// BackupDestinations is how many places backups go to.
	BackupDestinations int
	// Plain is set when neither the server nor its public address use
	// TLS: connections are not encrypted.
	Plain bool
}

// Check returns what an auditor would flag in r, sheet by sheet, against
// the active retention policies and, when facts is not nil, the system.
func Check(r Register, policies []Policy, facts *Facts) []Finding {
	var out []Finding
	add := func(code, sheet, field, msg string) {
		out = append(out, Finding{Code: code, Sheet: sheet, Field: field, Message: msg})
	}
	if r.Controller.Organisation == "" && r.Controller.LastName == "" {
		add(FindControllerMissing, "", "controller.organisation", "the register does not name its controller")
	}
	active := map[string]Policy{}
	for _, p := range policies {
		active[p.Key] = p
	}
	for i, s := range r.Activities {
		p := fmt.Sprintf("activities[%d]", i)
		if s.LegalBasis == "" {
			add(FindLegalBasisMissing, s.Key, p+".legal_basis", s.Name+": no legal basis")
		}
		if len(s.Purposes) == 0 && len(s.Description) == 0 {
			add(FindPurposeMissing, s.Key, p+".purposes", s.Name+": no purpose")
		}
		if len(s.Subjects) == 0 {
			add(FindSubjectsMissing, s.Key, p+".subjects", s.Name+": no category of data subjects")
		}
		if len(s.Data) == 0 {
			add(FindDataMissing, s.Key, p+".data", s.Name+": no category of data")
		}
		out = append(out, checkRetention(s, p, active)...)
		for j, t := range s.Transfers {
			if !InEEA(t.Country) && t.Safeguard == "" {
				add(FindTransferNoSafeguard, s.Key, fmt.Sprintf("%s.transfers[%d].safeguard", p, j),
					fmt.Sprintf("%s: transfer to %s without a safeguard", s.Name, t.Country))
			}
		}
	}
	if facts != nil {
		out = append(out, checkFacts(r, *facts)...)
	}
	return out
}

func checkRetention(s Sheet, p string, active map[string]Policy) []Finding {
	var out []Finding
	if len(s.Retention) == 0 {
		return []Finding{{Code: FindRetentionMissing, Sheet: s.Key, Field: p + ".retention", Message: s.Name + ": no retention period"}}
	}
	for j, x := range s.Retention {
		f := fmt.Sprintf("%s.retention[%d]", p, j)
		if x.Text == "" && x.Period == nil {
			out = append(out, Finding{Code: FindRetentionMissing, Sheet: s.Key, Field: f + ".text", Message: s.Name + ": a retention period is empty"})
			continue
		}
		if x.Policy == "" {
			continue
		}
		pol, ok := active[x.Policy]
		if !ok {
			out = append(out, Finding{Code: FindRetentionNoPolicy, Sheet: s.Key, Field: f + ".policy",
				Message: fmt.Sprintf("%s: the retention policy %q is not active", s.Name, x.Policy)})
			continue
		}
		if x.Period != nil && x.Period.ApproxDays() > pol.Total().ApproxDays() {
			out = append(out, Finding{Code: FindRetentionExceedsPolicy, Sheet: s.Key, Field: f + ".period",
				Message: fmt.Sprintf("%s: %s is kept longer than the policy %q enforces", s.Name, x.Category, x.Policy)})
		}
	}
	return out
}

func checkFacts(r Register, f Facts) []Finding {
	var out []Finding
	for _, m := range f.Modules {
		if _, ok := r.Sheet(m); !ok {
			out = append(out, Finding{Code: FindModuleWithoutSheet, Sheet: m, Field: "activities",
				Message: "the module " + m + " is in use but has no activity sheet"})
		}
	}
	for i, s := range r.Activities {
		if !slices.Contains(f.Modules, s.Key) {
			continue // a sheet the user added: the system knows nothing of it
		}
		p := fmt.Sprintf("activities[%d]", i)
		if f.HostingCountry != "" && !InEEA(f.HostingCountry) && !slices.ContainsFunc(s.Transfers, func(t Transfer) bool {
			return sameCountry(t.Country, f.HostingCountry)
		}) {
			out = append(out, Finding{Code: FindTransferUndeclared, Sheet: s.Key, Field: p + ".transfers",
				Message: fmt.Sprintf("%s: the data are hosted in %s but no transfer there is declared", s.Name, f.HostingCountry)})
		}
		for _, proc := range f.Processors {
			if !slices.ContainsFunc(s.Recipients.Processors, func(x string) bool {
				return strings.Contains(strings.ToLower(x), strings.ToLower(proc))
			}) {
				out = append(out, Finding{Code: FindProcessorUndeclared, Sheet: s.Key, Field: p + ".recipients.processors",
					Message: fmt.Sprintf("%s: the processor %s is not listed", s.Name, proc)})
			}
		}
	}
	if f.BackupDestinations < 2 {
		out = append(out, Finding{Code: FindBackupMissing, Field: "security",
			Message: fmt.Sprintf("backups go to %d destination(s); two are expected", f.BackupDestinations)})
	}
	if f.Plain {
		out = append(out, Finding{Code: FindTLSMissing, Field: "security",
			Message: "connections are not encrypted: configure TLS or a public https:// address behind a proxy"})
	}
	if strings.TrimSpace(f.HostingProvider) == "" {
		out = append(out, Finding{Code: FindHostingUnknown, Field: "security",
			Message: "the hosting provider is not stated (COMPTOIR_HOSTING_PROVIDER): it is a processor of every activity"})
	}
	return out
}

// eea are the countries of the European Economic Area by ISO code, with
// their French and English names (folded to lower case without accents).
var eea = map[string][]string{
	"AT": {"autriche", "austria"}, "BE": {"belgique", "belgium"}, "BG": {"bulgarie", "bulgaria"},
	"HR": {"croatie", "croatia"}, "CY": {"chypre", "cyprus"}, "CZ": {"republique tcheque", "tchequie", "czech republic", "czechia"},
	"DK": {"danemark", "denmark"}, "EE": {"estonie", "estonia"}, "FI": {"finlande", "finland"},
	"FR": {"france"}, "DE": {"allemagne", "germany"}, "GR": {"grece", "greece"}, "HU": {"hongrie", "hungary"},
	"IE": {"irlande", "ireland"}, "IT": {"italie", "italy"}, "LV": {"lettonie", "latvia"},
	"LT": {"lituanie", "lithuania"}, "LU": {"luxembourg"}, "MT": {"malte", "malta"},
	"NL": {"pays-bas", "pays bas", "netherlands"}, "PL": {"pologne", "poland"}, "PT": {"portugal"},
	"RO": {"roumanie", "romania"}, "SK": {"slovaquie", "slovakia"}, "SI": {"slovenie", "slovenia"},
	"ES": {"espagne", "spain"}, "SE": {"suede", "sweden"},
	"IS": {"islande", "iceland"}, "LI": {"liechtenstein"}, "NO": {"norvege", "norway"},
}

var unaccent = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "è", "e", "ç", "c", "à", "a", "â", "a", "î", "i", "ï", "i", "ô", "o", "ö", "o", "û", "u", "ü", "u")

// countryCode returns the ISO code of a country named by its code or its
// French or English name, or the folded name when it is not in the EEA.
func countryCode(c string) string {
	c = strings.TrimSpace(c)
	if len(c) == 2 {
		return strings.ToUpper(c)
	}
	name := unaccent.Replace(strings.ToLower(c))
	for code, names := range eea {
		if slices.Contains(names, name) {
			return code
		}
	}
	return name
}

// InEEA reports whether country (an ISO code or a French or English name)
// is in the European Economic Area. An empty country is taken as inside:
// a transfer without a country is not a transfer outside the EU.
func InEEA(country string) bool {
	if strings.TrimSpace(country) == "" {
		return true
	}
	_, ok := eea[countryCode(country)]
	return ok
}

func sameCountry(a, b string) bool { return countryCode(a) == countryCode(b) }
