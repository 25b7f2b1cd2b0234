package privacy

// Holding is what one table holds on a person: how many records and, for
// those a person recognises (documents, payments), the list.
type Holding struct {
	Table  string     `json:"table"`
	Module string     `json:"module"`
	Count  int        `json:"count"`
	Items  []HeldItem `json:"items,omitempty"`
}

// HeldItem is one listed record.
type HeldItem struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind,omitempty"`
	Label      string `json:"label"` // a number, a reference
	Date       string `json:"date,omitempty"`
	Status     string `json:"status,omitempty"`
	Restricted bool   `json:"restricted,omitempty"`
}

// Match is one contact a lookup found, with what every module holds on it.
type Match struct {
	ContactID int64     `json:"contact_id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Erased    bool      `json:"erased"`
	Holdings  []Holding `json:"holdings"`
}

// Total is how many records the match's holdings count.
func (m Match) Total() int {
	n := 0
	for _, h := range m.Holdings {
		n += h.Count
	}
	return n
}

// MemberMatch is a member of the account (a user) with the looked-up address.
type MemberMatch struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Role   string `json:"role"`
}

// Lookup is what a search for a person across every module found.
type Lookup struct {
	Query    string        `json:"query"`
	Contacts []Match       `json:"contacts"`
	Members  []MemberMatch `json:"members"`
	// MailLog counts e-mails sent to the looked-up address that no contact
	// found has (a requester who is not, or no longer, a contact).
	MailLog int `json:"mail_log"`
}
