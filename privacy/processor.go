package privacy

import "fmt"

// ProcessorRegister is the record a processor keeps (GDPR Article 30(2)):
// here the operator of a Comptoir instance, who processes each account's
// data on the account's behalf.
type ProcessorRegister struct {
	Title         string            `json:"title"`
	Operator      Contact           `json:"operator"`
	DPO           Contact           `json:"dpo"`
	Controllers   []ControllerEntry `json:"controllers"`
	Categories    []string          `json:"categories"`
	SubProcessors []string          `json:"sub_processors,omitempty"`
	TransfersText string            `json:"transfers_text,omitempty"`
	Transfers     []Transfer        `json:"transfers,omitempty"`
	Security      []string          `json:"security"`
}

// ControllerEntry is one controller the processor acts for: an account.
type ControllerEntry struct {
	AccountID int64  `json:"account_id"`
	Name      string `json:"name"`
	Email     string `json:"email,omitempty"`
	Address   string `json:"address,omitempty"`
	Since     string `json:"since,omitempty"` // YYYY-MM-DD
}

// ProcessorOutline lays a processor's register out as blocks.
func ProcessorOutline(p ProcessorRegister, lang string) []Block {
	l := labelsFor(lang)
	title := p.Title
	if title == "" {
		title = l["processor_title"]
		if p.Operator.Organisation != "" {
			title += " — " + p.Operator.Organisation
		}
	}
	out := []Block{{Kind: BlockTitle, Text: title}}
	out = append(out, contactBlocks(l, l["operator"], p.Operator)...)
	if !p.DPO.Empty() {
		out = append(out, contactBlocks(l, l["dpo"], p.DPO)...)
	}
	out = append(out, Block{Kind: BlockHeading, Text: l["controllers"]})
	var cs []string
	for _, c := range p.Controllers {
		s := joinNonEmpty(" — ", c.Name, c.Email, c.Address)
		if c.Since != "" {
			s += " (" + fmt.Sprintf(l["controller_since"], FormatDate(c.Since, lang)) + ")"
		}
		cs = append(cs, s)
	}
	if len(cs) > 0 {
		out = append(out, Block{Kind: BlockNumbered, Items: cs})
	}
	out = append(out, Block{Kind: BlockHeading, Text: l["categories"]})
	if len(p.Categories) > 0 {
		out = append(out, Block{Kind: BlockList, Items: p.Categories})
	}
	if len(p.SubProcessors) > 0 {
		out = append(out, Block{Kind: BlockHeading, Text: l["processor_subprocess"]}, Block{Kind: BlockNumbered, Items: p.SubProcessors})
	}
	out = append(out, Block{Kind: BlockHeading, Text: l["processor_transfers"]})
	if p.TransfersText != "" {
		out = append(out, Block{Kind: BlockPara, Text: p.TransfersText})
	}
	var tr []string
	for _, t := range p.Transfers {
		tr = append(tr, joinNonEmpty(" — ", t.Recipient, l["country"]+" : "+t.Country, labelled(l["safeguard"], t.Safeguard)))
	}
	if len(tr) > 0 {
		out = append(out, Block{Kind: BlockList, Items: tr})
	}
	out = append(out, Block{Kind: BlockHeading, Text: l["processor_security"]})
	if len(p.Security) > 0 {
		out = append(out, Block{Kind: BlockList, Items: p.Security})
	}
	return out
}
