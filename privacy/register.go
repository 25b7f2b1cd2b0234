package privacy

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
)

// Register is the record of processing activities a controller keeps
// (GDPR Article 30(1)), in the structure of the CNIL's template: who the
// controller and the DPO are, general sections (a preamble, how long data
// are kept, who receives them, transfers, security measures), the list of
// activities and one sheet per activity. Every field is text the user may
// rewrite; the register Comptoir generates fills them from the system.
type Register struct {
	Title      string    `json:"title"`
	Controller Contact   `json:"controller"`
	DPO        Contact   `json:"dpo"`
	Preamble   []string  `json:"preamble,omitempty"`
	Sections   []Section `json:"sections,omitempty"`
	Activities []Sheet   `json:"activities"`
}

// Contact is a person or an organisation with how to reach them.
type Contact struct {
	Organisation string `json:"organisation,omitempty"`
	LastName     string `json:"last_name,omitempty"`
	FirstName    string `json:"first_name,omitempty"`
	Address      string `json:"address,omitempty"`
	Email        string `json:"email,omitempty"`
	Phone        string `json:"phone,omitempty"`
}

// Empty reports whether c says nothing.
func (c Contact) Empty() bool { return c == Contact{} }

// Section is a titled block of free text outside the sheets, such as the
// general retention or security sections of a processor's register; a
// level-2 section is a subsection of the one before it.
type Section struct {
	Title      string   `json:"title"`
	Level      int      `json:"level,omitempty"` // 1 (default) or 2
	Paragraphs []string `json:"paragraphs,omitempty"`
}

// Sheet is one processing activity ("fiche de registre").
type Sheet struct {
	// Key names the sheet: the module it describes for generated sheets
	// ("sales", "purchases"…), any unique word for the others.
	Key         string `json:"key"`
	Name        string `json:"name"`
	Designation string `json:"designation,omitempty"` // the longer line of the list of activities
	Created     string `json:"created,omitempty"`     // YYYY-MM-DD
	Updated     string `json:"updated,omitempty"`     // YYYY-MM-DD
	// JointController names a joint controller ("-" or empty when none).
	JointController string      `json:"joint_controller,omitempty"`
	Software        string      `json:"software,omitempty"`
	Description     []string    `json:"description,omitempty"` // what the processing is, as paragraphs
	Purposes        []string    `json:"purposes,omitempty"`    // what it is for, one item each
	LegalBasis      string      `json:"legal_basis,omitempty"`
	Subjects        []string    `json:"subjects,omitempty"`
	DataIntro       string      `json:"data_intro,omitempty"`
	Data            []DataItem  `json:"data,omitempty"`
	Sensitive       bool        `json:"sensitive"`
	SensitiveDetail string      `json:"sensitive_detail,omitempty"`
	Retention       []Retention `json:"retention,omitempty"`
	Recipients      Recipients  `json:"recipients"`
	TransfersText   string      `json:"transfers_text,omitempty"`
	Transfers       []Transfer  `json:"transfers,omitempty"`
	Security        []string    `json:"security,omitempty"`
	Notes           []string    `json:"notes,omitempty"`
}

// DataItem is a category of data with what it holds.
type DataItem struct {
	Category string `json:"category"`
	Detail   string `json:"detail,omitempty"`
}

// Retention says how long a category of data is kept. Policy names the
// retention policy that enforces it and Period is its length, when known,
// so that the checks can compare the two.
type Retention struct {
	Category string  `json:"category,omitempty"`
	Text     string  `json:"text"`
	Policy   string  `json:"policy,omitempty"`
	Period   *Period `json:"period,omitempty"`
}

// Recipients are who receives the data.
type Recipients struct {
	Internal   []string `json:"internal,omitempty"`
	External   []string `json:"external,omitempty"`
	Processors []string `json:"processors,omitempty"`
}

// Transfer is data sent outside the European Union.
type Transfer struct {
	Recipient string `json:"recipient"`
	Country   string `json:"country"` // ISO 3166-1 alpha-2 code or a name
	Safeguard string `json:"safeguard,omitempty"`
}

// Limits keep a register a document, not a store.
const (
	maxText   = 20000
	maxItems  = 500
	maxSheets = 200
)

// Normalize trims every text, drops empty list items, gives sheets without
// a key one ("activity-N") and makes section levels 1 or 2.
func (r *Register) Normalize() {
	r.Title = strings.TrimSpace(r.Title)
	r.Controller.normalize()
	r.DPO.normalize()
	r.Preamble = trimList(r.Preamble)
	for i := range r.Sections {
		s := &r.Sections[i]
		s.Title = strings.TrimSpace(s.Title)
		s.Paragraphs = trimList(s.Paragraphs)
		if s.Level != 2 {
			s.Level = 1
		}
	}
	used := map[string]bool{}
	for i := range r.Activities {
		r.Activities[i].normalize()
		used[r.Activities[i].Key] = true
	}
	for i := range r.Activities {
		if r.Activities[i].Key != "" {
			continue
		}
		for n := i + 1; ; n++ {
			k := fmt.Sprintf("activity-%d", n)
			if !used[k] {
				r.Activities[i].Key, used[k] = k, true
				break
			}
		}
	}
}

func (c *Contact) normalize() {
	for _, p := range []*string{&c.Organisation, &c.LastName, &c.FirstName, &c.Address, &c.Email, &c.Phone} {
		*p = strings.TrimSpace(*p)
	}
}

func (s *Sheet) normalize() {
	for _, p := range []*string{&s.Key, &s.Name, &s.Designation, &s.Created, &s.Updated, &s.JointController,
		&s.Software, &s.LegalBasis, &s.DataIntro, &s.SensitiveDetail, &s.TransfersText} {
		*p = strings.TrimSpace(*p)
	}
	s.Key = strings.ToLower(s.Key)
	s.Description, s.Purposes, s.Subjects = trimList(s.Description), trimList(s.Purposes), trimList(s.Subjects)
	s.Security, s.Notes = trimList(s.Security), trimList(s.Notes)
	s.Recipients.Internal = trimList(s.Recipients.Internal)
	s.Recipients.External = trimList(s.Recipients.External)
	s.Recipients.Processors = trimList(s.Recipients.Processors)
	data := s.Data[:0:0]
	for _, d := range s.Data {
		d.Category, d.Detail = strings.TrimSpace(d.Category), strings.TrimSpace(d.Detail)
		if d.Category != "" || d.Detail != "" {
			data = append(data, d)
		}
	}
	s.Data = data
	ret := s.Retention[:0:0]
	for _, r := range s.Retention {
		r.Category, r.Text, r.Policy = strings.TrimSpace(r.Category), strings.TrimSpace(r.Text), strings.TrimSpace(r.Policy)
		if r.Period != nil && r.Period.Zero() {
			r.Period = nil
		}
		if r.Category != "" || r.Text != "" || r.Policy != "" || r.Period != nil {
			ret = append(ret, r)
		}
	}
	s.Retention = ret
	tr := s.Transfers[:0:0]
	for _, t := range s.Transfers {
		t.Recipient, t.Country, t.Safeguard = strings.TrimSpace(t.Recipient), strings.TrimSpace(t.Country), strings.TrimSpace(t.Safeguard)
		if t != (Transfer{}) {
			tr = append(tr, t)
		}
	}
	s.Transfers = tr
}

func trimList(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Validate checks what makes a register unusable rather than incomplete
// (incomplete is for Check): sheets need a name and a unique key made of
// letters, digits and dashes; dates are YYYY-MM-DD; texts and lists have
// bounded sizes. Field names are JSON paths ("activities[2].created").
func (r *Register) Validate() error {
	var f errs.Fields
	if len(r.Activities) > maxSheets {
		f.Add("activities", "too_many", fmt.Sprintf("a register has at most %d activities", maxSheets))
	}
	keys := map[string]bool{}
	for i, s := range r.Activities {
		p := fmt.Sprintf("activities[%d]", i)
		switch {
		case !validKey(s.Key):
			f.Add(p+".key", "invalid", "a key is 1 to 40 lower-case letters, digits, dashes or underscores")
		case keys[s.Key]:
			f.Add(p+".key", "duplicate", "two activities have the key "+s.Key)
		}
		keys[s.Key] = true
		if s.Name == "" {
			f.Add(p+".name", "required", "an activity needs a name")
		}
		for j, x := range s.Retention {
			if x.Period != nil && (x.Period.Years < 0 || x.Period.Months < 0 || x.Period.Days < 0 || x.Period.ApproxDays() > 200*365) {
				f.Add(fmt.Sprintf("%s.retention[%d].period", p, j), "invalid_period", "a period is made of whole numbers from 0, at most 200 years in all")
			}
		}
		for name, d := range map[string]string{"created": s.Created, "updated": s.Updated} {
			if d == "" {
				continue
			}
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				f.Add(p+"."+name, "invalid_date", "a date is written YYYY-MM-DD")
			}
		}
	}
	walkText(r, func(path, s string) {
		if utf8.RuneCountInString(s) > maxText {
			f.Add(path, "too_long", fmt.Sprintf("a text has at most %d characters", maxText))
		}
	}, func(path string, n int) {
		if n > maxItems {
			f.Add(path, "too_many", fmt.Sprintf("a list has at most %d items", maxItems))
		}
	})
	return f.Err("privacy.Register.Validate")
}

func validKey(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, c := range k {
		lower, digit := c >= 'a' && c <= 'z', c >= '0' && c <= '9'
		if !lower && !digit && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// Sheet returns the sheet with key, and whether there is one.
func (r *Register) Sheet(key string) (*Sheet, bool) {
	for i := range r.Activities {
		if r.Activities[i].Key == key {
			return &r.Activities[i], true
		}
	}
	return nil, false
}

// walkText calls text for every string of r with its JSON path, and list
// for every list with its length.
func walkText(r *Register, text func(path, s string), list func(path string, n int)) {
	strs := func(path string, ss []string) {
		list(path, len(ss))
		for i, s := range ss {
			text(fmt.Sprintf("%s[%d]", path, i), s)
		}
	}
	contact := func(path string, c Contact) {
		for k, v := range map[string]string{"organisation": c.Organisation, "last_name": c.LastName, "first_name": c.FirstName,
			"address": c.Address, "email": c.Email, "phone": c.Phone} {
			text(path+"."+k, v)
		}
	}
	text("title", r.Title)
	contact("controller", r.Controller)
	contact("dpo", r.DPO)
	strs("preamble", r.Preamble)
	list("sections", len(r.Sections))
	for i, s := range r.Sections {
		p := fmt.Sprintf("sections[%d]", i)
		text(p+".title", s.Title)
		strs(p+".paragraphs", s.Paragraphs)
	}
	for i, s := range r.Activities {
		p := fmt.Sprintf("activities[%d]", i)
		for k, v := range map[string]string{"name": s.Name, "designation": s.Designation, "joint_controller": s.JointController,
			"software": s.Software, "legal_basis": s.LegalBasis, "data_intro": s.DataIntro,
			"sensitive_detail": s.SensitiveDetail, "transfers_text": s.TransfersText} {
			text(p+"."+k, v)
		}
		strs(p+".description", s.Description)
		strs(p+".purposes", s.Purposes)
		strs(p+".subjects", s.Subjects)
		strs(p+".security", s.Security)
		strs(p+".notes", s.Notes)
		strs(p+".recipients.internal", s.Recipients.Internal)
		strs(p+".recipients.external", s.Recipients.External)
		strs(p+".recipients.processors", s.Recipients.Processors)
		list(p+".data", len(s.Data))
		for j, d := range s.Data {
			text(fmt.Sprintf("%s.data[%d].category", p, j), d.Category)
			text(fmt.Sprintf("%s.data[%d].detail", p, j), d.Detail)
		}
		list(p+".retention", len(s.Retention))
		for j, x := range s.Retention {
			text(fmt.Sprintf("%s.retention[%d].category", p, j), x.Category)
			text(fmt.Sprintf("%s.retention[%d].text", p, j), x.Text)
		}
		list(p+".transfers", len(s.Transfers))
		for j, t := range s.Transfers {
			text(fmt.Sprintf("%s.transfers[%d].recipient", p, j), t.Recipient)
			text(fmt.Sprintf("%s.transfers[%d].country", p, j), t.Country)
			text(fmt.Sprintf("%s.transfers[%d].safeguard", p, j), t.Safeguard)
		}
	}
}

// Strings returns every non-empty text of r, for tests that check that an
// export lost nothing.
func (r *Register) Strings() []string {
	var out []string
	walkText(r, func(_, s string) {
		if s != "" {
			out = append(out, s)
		}
	}, func(string, int) {})
	return out
}

// Version is one saved state of an account's register: the register as
// the user saved it, the generated register their edit started from (Base,
// see Merge), who saved it and when.
type Version struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id,omitempty"`
	Author    string    `json:"author,omitempty"` // the author's e-mail, when known
	Note      string    `json:"note,omitempty"`   // "import", "edit", what changed
	CreatedAt time.Time `json:"created_at"`
	Register  *Register `json:"register,omitempty"`
	Base      *Register `json:"-"`
}
