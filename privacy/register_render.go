package privacy

import (
	"fmt"
	"strings"
	"time"
)

// Block is one element of a register laid out as a document, what the
// Markdown and PDF renderings share so that they say the same thing.
type Block struct {
	Kind  string      // one of the Block kinds
	Label string      // a field's label, a list's title
	Text  string      // a heading, a paragraph, a field's value
	Items []string    // list items
	Rows  [][2]string // table rows (the list of activities)
	Head  [2]string   // table header
}

// Block kinds.
const (
	BlockTitle    = "title"
	BlockHeading  = "heading"    // a section; a sheet's heading starts a page in a PDF
	BlockSheet    = "sheet"      // the heading of an activity sheet
	BlockSub      = "subheading" // a part of a section or sheet
	BlockField    = "field"      // Label: Text
	BlockPara     = "para"
	BlockHint     = "hint" // the template's question, in small print
	BlockList     = "list"
	BlockNumbered = "numbered"
	BlockTable    = "table"
)

// labels are the words of the rendering, in the CNIL template's wording.
type labels map[string]string

var registerLabels = map[string]labels{
	"fr": {
		"title":                "Registre des activités de traitement",
		"of":                   "de",
		"controller":           "Coordonnées du responsable de l'organisme",
		"dpo":                  "Coordonnées du délégué à la protection des données (DPO)",
		"organisation":         "Organisme",
		"last_name":            "Nom",
		"first_name":           "Prénom",
		"address":              "Adresse",
		"phone":                "Téléphone",
		"email":                "Adresse de messagerie",
		"activities":           "Activités de l'organisme impliquant le traitement de données personnelles",
		"activities_hint":      "Listez ici les activités pour lesquelles vous traitez des données personnelles.",
		"activities_col":       "Activités",
		"designation_col":      "Désignation des activités",
		"activity":             "Activité %d",
		"sheet":                "Fiche de registre de l'activité %d – %s",
		"created":              "Date de création de la fiche",
		"updated":              "Date de dernière mise à jour de la fiche",
		"joint":                "Nom du responsable conjoint du traitement (dans le cas où la responsabilité de ce traitement de donnée est partagée avec un autre organisme)",
		"software":             "Nom du logiciel ou de l'application (si pertinent)",
		"purposes":             "Objectifs poursuivis",
		"purposes_hint":        "Décrivez clairement l'objet du traitement de données personnelles et ses fonctionnalités.",
		"legal_basis":          "Base légale",
		"subjects":             "Catégories de personnes concernées",
		"subjects_hint":        "Listez les différents types de personnes dont vous collectez ou utilisez les données.",
		"data":                 "Catégories de données collectées",
		"data_hint":            "Cochez et listez les différentes données traitées",
		"sensitive":            "Des données sensibles sont-elles traitées ?",
		"yes":                  "Oui",
		"no":                   "Non",
		"retention":            "Durées de conservation des catégories de données",
		"retention_hint":       "Combien de temps conservez-vous ces informations ?",
		"recipients":           "Catégories de destinataires des données",
		"internal":             "Destinataires internes",
		"external":             "Organismes externes",
		"processors":           "Sous-traitants",
		"transfers":            "Transferts des données hors UE",
		"transfers_hint":       "Des données personnelles sont-elles transmises hors de l'Union européenne ?",
		"recipient":            "Destinataire",
		"country":              "Pays",
		"safeguard":            "Garantie",
		"security":             "Mesures de sécurité",
		"notes":                "Notes",
		"year":                 "%d an",
		"years":                "%d ans",
		"month":                "%d mois",
		"months":               "%d mois",
		"day":                  "%d jour",
		"days":                 "%d jours",
		"processor_title":      "Registre des catégories d'activités de traitement (sous-traitant)",
		"operator":             "Coordonnées du sous-traitant",
		"controllers":          "Responsables de traitement pour le compte desquels les traitements sont effectués",
		"categories":           "Catégories de traitements effectués pour le compte de chaque responsable",
		"controller_since":     "client depuis le %s",
		"processor_transfers":  "Transferts des données hors UE",
		"processor_security":   "Mesures de sécurité techniques et organisationnelles",
		"processor_subprocess": "Sous-traitants ultérieurs",
	},
	"en": {
		"title":                "Record of processing activities",
		"of":                   "of",
		"controller":           "Controller's contact details",
		"dpo":                  "Data protection officer (DPO)",
		"organisation":         "Organisation",
		"last_name":            "Last name",
		"first_name":           "First name",
		"address":              "Address",
		"phone":                "Phone",
		"email":                "E-mail",
		"activities":           "Activities of the organisation involving personal data",
		"activities_hint":      "The activities for which personal data are processed.",
		"activities_col":       "Activities",
		"designation_col":      "Description of the activities",
		"activity":             "Activity %d",
		"sheet":                "Record of activity %d – %s",
		"created":              "Sheet created on",
		"updated":              "Sheet last updated on",
		"joint":                "Joint controller (when the responsibility for this processing is shared with another organisation)",
		"software":             "Software or application (if relevant)",
		"purposes":             "Purposes",
		"purposes_hint":        "What the processing of personal data is for and what it does.",
		"legal_basis":          "Legal basis",
		"subjects":             "Categories of data subjects",
		"subjects_hint":        "The kinds of people whose data are collected or used.",
		"data":                 "Categories of personal data",
		"data_hint":            "The data processed.",
		"sensitive":            "Are sensitive data processed?",
		"yes":                  "Yes",
		"no":                   "No",
		"retention":            "Retention periods of the categories of data",
		"retention_hint":       "How long are these data kept?",
		"recipients":           "Categories of recipients",
		"internal":             "Internal recipients",
		"external":             "External bodies",
		"processors":           "Processors",
		"transfers":            "Transfers outside the EU",
		"transfers_hint":       "Are personal data transferred outside the European Union?",
		"recipient":            "Recipient",
		"country":              "Country",
		"safeguard":            "Safeguard",
		"security":             "Security measures",
		"notes":                "Notes",
		"year":                 "%d year",
		"years":                "%d years",
		"month":                "%d month",
		"months":               "%d months",
		"day":                  "%d day",
		"days":                 "%d days",
		"processor_title":      "Record of categories of processing activities (processor)",
		"operator":             "Processor's contact details",
		"controllers":          "Controllers on whose behalf the processor acts",
		"categories":           "Categories of processing carried out on behalf of each controller",
		"controller_since":     "client since %s",
		"processor_transfers":  "Transfers outside the EU",
		"processor_security":   "Technical and organisational security measures",
		"processor_subprocess": "Sub-processors",
	},
}

func labelsFor(lang string) labels {
	if l, ok := registerLabels[lang]; ok {
		return l
	}
	return registerLabels["fr"]
}

// FormatDate writes an ISO date (YYYY-MM-DD) as the language does; text
// that is not such a date is returned as it is.
func FormatDate(d, lang string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return t.Format("02/01/2006")
}

// FormatPeriod writes p in words ("6 ans", "1 year 6 months").
func FormatPeriod(p Period, lang string) string {
	l := labelsFor(lang)
	var parts []string
	for _, x := range []struct {
		n   int
		key string
	}{{p.Years, "years"}, {p.Months, "months"}, {p.Days, "days"}} {
		key := x.key
		if x.n == 1 || x.n == -1 {
			key = strings.TrimSuffix(key, "s")
		}
		if x.n != 0 {
			parts = append(parts, fmt.Sprintf(l[key], x.n))
		}
	}
	return strings.Join(parts, " ")
}

// DefaultTitle is the title of a register without one.
func DefaultTitle(r Register, lang string) string {
	l := labelsFor(lang)
	if r.Controller.Organisation == "" {
		return l["title"]
	}
	return l["title"] + " " + l["of"] + " " + r.Controller.Organisation
}

// Outline lays r out as blocks, with the labels of lang ("fr" or "en").
func Outline(r Register, lang string) []Block {
	l := labelsFor(lang)
	title := r.Title
	if title == "" {
		title = DefaultTitle(r, lang)
	}
	out := []Block{{Kind: BlockTitle, Text: title}}
	out = append(out, contactBlocks(l, l["controller"], r.Controller)...)
	if !r.DPO.Empty() {
		out = append(out, contactBlocks(l, l["dpo"], r.DPO)...)
	}
	for _, p := range r.Preamble {
		out = append(out, Block{Kind: BlockPara, Text: p})
	}
	for _, s := range r.Sections {
		kind := BlockHeading
		if s.Level == 2 {
			kind = BlockSub
		}
		if s.Title != "" {
			out = append(out, Block{Kind: kind, Text: s.Title})
		}
		for _, p := range s.Paragraphs {
			out = append(out, Block{Kind: BlockPara, Text: p})
		}
	}
	table := Block{Kind: BlockTable, Head: [2]string{l["activities_col"], l["designation_col"]}}
	for i, s := range r.Activities {
		d := s.Designation
		if d == "" {
			d = s.Name
		}
		table.Rows = append(table.Rows, [2]string{fmt.Sprintf(l["activity"], i+1), d})
	}
	out = append(out, Block{Kind: BlockHeading, Text: l["activities"]}, Block{Kind: BlockHint, Text: l["activities_hint"]}, table)
	for i, s := range r.Activities {
		out = append(out, sheetBlocks(l, lang, i, s)...)
	}
	return out
}

func contactBlocks(l labels, title string, c Contact) []Block {
	out := []Block{{Kind: BlockHeading, Text: title}}
	for _, f := range [][2]string{{"organisation", c.Organisation}, {"last_name", c.LastName}, {"first_name", c.FirstName},
		{"address", c.Address}, {"phone", c.Phone}, {"email", c.Email}} {
		if f[1] != "" {
			out = append(out, Block{Kind: BlockField, Label: l[f[0]], Text: f[1]})
		}
	}
	return out
}

func sheetBlocks(l labels, lang string, i int, s Sheet) []Block {
	out := []Block{{Kind: BlockSheet, Text: fmt.Sprintf(l["sheet"], i+1, s.Name)}}
	field := func(label, v string) {
		if v != "" {
			out = append(out, Block{Kind: BlockField, Label: label, Text: v})
		}
	}
	list := func(kind, label string, items []string) {
		if len(items) > 0 {
			out = append(out, Block{Kind: kind, Label: label, Items: items})
		}
	}
	sub := func(key string, hint bool) {
		out = append(out, Block{Kind: BlockSub, Text: l[key]})
		if hint {
			out = append(out, Block{Kind: BlockHint, Text: l[key+"_hint"]})
		}
	}
	para := func(ps ...string) {
		for _, p := range ps {
			if p != "" {
				out = append(out, Block{Kind: BlockPara, Text: p})
			}
		}
	}
	field(l["created"], FormatDate(s.Created, lang))
	field(l["updated"], FormatDate(s.Updated, lang))
	field(l["joint"], s.JointController)
	field(l["software"], s.Software)
	sub("purposes", true)
	para(s.Description...)
	list(BlockList, "", s.Purposes)
	field(l["legal_basis"], s.LegalBasis)
	sub("subjects", true)
	para(strings.Join(s.Subjects, ", "))
	sub("data", true)
	para(s.DataIntro)
	var data []string
	for _, d := range s.Data {
		data = append(data, joinNonEmpty(" : ", d.Category, d.Detail))
	}
	list(BlockList, "", data)
	sub("sensitive", false)
	yes := l["no"]
	if s.Sensitive {
		yes = l["yes"]
	}
	para(joinNonEmpty(" — ", yes, s.SensitiveDetail))
	sub("retention", true)
	var ret []string
	for _, x := range s.Retention {
		text := x.Text
		if text == "" && x.Period != nil {
			text = FormatPeriod(*x.Period, lang)
		}
		ret = append(ret, joinNonEmpty(" : ", x.Category, text))
	}
	if len(ret) == 1 && s.Retention[0].Category == "" {
		para(ret[0])
	} else {
		list(BlockList, "", ret)
	}
	sub("recipients", false)
	list(BlockNumbered, l["internal"], s.Recipients.Internal)
	list(BlockNumbered, l["external"], s.Recipients.External)
	list(BlockNumbered, l["processors"], s.Recipients.Processors)
	sub("transfers", true)
	para(s.TransfersText)
	var tr []string
	for _, t := range s.Transfers {
		tr = append(tr, joinNonEmpty(" — ", t.Recipient, l["country"]+" : "+t.Country, labelled(l["safeguard"], t.Safeguard)))
	}
	list(BlockList, "", tr)
	sub("security", false)
	list(BlockList, "", s.Security)
	if len(s.Notes) > 0 {
		sub("notes", false)
		para(s.Notes...)
	}
	return out
}

func labelled(label, v string) string {
	if v == "" {
		return ""
	}
	return label + " : " + v
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// Markdown renders blocks as a Markdown document.
func Markdown(blocks []Block) string {
	var b strings.Builder
	for _, x := range blocks {
		switch x.Kind {
		case BlockTitle:
			fmt.Fprintf(&b, "# %s\n\n", oneLine(x.Text))
		case BlockHeading, BlockSheet:
			fmt.Fprintf(&b, "## %s\n\n", oneLine(x.Text))
		case BlockSub:
			fmt.Fprintf(&b, "### %s\n\n", oneLine(x.Text))
		case BlockField:
			fmt.Fprintf(&b, "**%s** : %s\n\n", oneLine(x.Label), x.Text)
		case BlockHint:
			fmt.Fprintf(&b, "*%s*\n\n", oneLine(x.Text))
		case BlockPara:
			fmt.Fprintf(&b, "%s\n\n", x.Text)
		case BlockList, BlockNumbered:
			if x.Label != "" {
				fmt.Fprintf(&b, "**%s**\n\n", oneLine(x.Label))
			}
			for i, it := range x.Items {
				if x.Kind == BlockNumbered {
					fmt.Fprintf(&b, "%d. %s\n", i+1, oneLine(it))
				} else {
					fmt.Fprintf(&b, "- %s\n", oneLine(it))
				}
			}
			b.WriteString("\n")
		case BlockTable:
			fmt.Fprintf(&b, "| %s | %s |\n|---|---|\n", cell(x.Head[0]), cell(x.Head[1]))
			for _, r := range x.Rows {
				fmt.Fprintf(&b, "| %s | %s |\n", cell(r[0]), cell(r[1]))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", "\\|") }
