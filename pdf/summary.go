package pdf

import "io"

// Summary is a human-readable record of the personal data a business
// holds on a person (the answer to a GDPR access request): who holds it,
// about whom, then one section per kind of record with what is held, why,
// on which legal basis and for how long, then the person's rights.
type Summary struct {
	Title      string      // "VOS DONNÉES PERSONNELLES"
	Number     string      // the request's number
	Facts      [][2]string // date of the request, of the answer
	Controller Party       // the business, controller of the data
	Person     Party       // the person the data is about
	Intro      []string
	Columns    []Column // e.g. what, count, purpose, basis, how long
	Sections   []SummarySection
	Notes      []string // recipients, rights, how to complain to the CNIL
	Footer     []string
}

// SummarySection is a group of rows under a title (a module: contacts,
// sales, activity log).
type SummarySection struct {
	Title string
	Rows  [][]string // one cell per column
}

// RenderSummary writes s as a PDF to w, with the same layouts, fonts and
// guarantees as Render (text is only text).
func RenderSummary(w io.Writer, s Summary, o Options) error {
	d := Document{Title: s.Title, Number: s.Number, Facts: s.Facts, Seller: s.Controller, Buyer: s.Person,
		Intro: s.Intro, Columns: s.Columns, Notes: s.Notes, Footer: s.Footer}
	for _, sec := range s.Sections {
		if sec.Title != "" {
			d.Rows = append(d.Rows, Row{Kind: RowSection, Cells: []string{sec.Title}})
		}
		for _, r := range sec.Rows {
			d.Rows = append(d.Rows, Row{Kind: RowItem, Cells: r})
		}
	}
	return Render(w, d, o)
}
