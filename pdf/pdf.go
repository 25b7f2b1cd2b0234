// Package pdf renders business documents (invoices, quotes, credit notes,
// delivery notes, statements, formal notices) to A4 PDF files.
//
// It is a pure renderer: it knows nothing of sales rules, money or storage.
// The caller fills a Document with strings that are already formatted and
// translated ("1 234,50 €", "Date d'échéance"); Render lays them out:
//
//   - a first-page header with the logo, the seller, the title and number,
//     the facts (dates, references), the buyer and an optional extra party
//     such as a delivery address; later pages get a compact header;
//   - the intro paragraphs, then the table, whose header is repeated on every
//     page and whose rows are never split unless one alone is taller than a
//     page; long cells wrap;
//   - the VAT table beside the totals (the last total emphasised), the
//     signature block, notes, bank details and legal mentions, moved to a new
//     page when they do not fit;
//   - the seller's legal footer and "Page n/N" on every page.
//
// Options chooses between two layouts ("classic": ruled, white header;
// "modern": a coloured band and filled table header), the accent colour and
// the language of the renderer's own few words (page numbers, "N°").
//
// Text is only ever text: markup such as "<b>" or "<script>" is printed as
// typed. The fonts are DejaVu Sans, embedded, so text in French, Greek,
// Cyrillic, Armenian, Georgian or Vietnamese stays extractable; a character
// the fonts cannot show is replaced by U+FFFD. Arabic and Hebrew would need
// shaping and right-to-left layout, which this package does not do.
//
// A document whose every character is in Windows-1252 (French and most
// Western European text, with €, œ, « » and ’) is rendered with simple
// TrueType fonts prepared once per process, about five times faster than with
// the Unicode fonts any other document gets; both give the same page and the
// same extracted text.
package pdf

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Options are the presentation choices of a rendering.
type Options struct {
	Layout string // "classic" (default) or "modern"
	Accent string // "#RRGGBB" for titles, table header and rules; default a sober dark blue
	Locale string // "fr" (default) or "en": only the renderer's own words
	// Created is written as the creation date. When zero, the Unix epoch is
	// written instead, so that the same input always gives the same bytes.
	Created time.Time
}

// Party is a block of address lines under a small title.
type Party struct {
	Title string   // "Client", "Bill to"; may be empty
	Name  string   // printed in bold
	Lines []string // address, identifiers
}

// Column describes one column of a table.
type Column struct {
	Title string
	Width float64 // relative to the other columns; zero or less counts as 1
	Align string  // "L" (default), "R" or "C"
}

// Row kinds.
const (
	RowItem     = "item"     // one cell per column
	RowSection  = "section"  // bold title across the table
	RowComment  = "comment"  // italic text across the table
	RowSubtotal = "subtotal" // like an item, in bold, with a rule above
)

// Row is one line of a table. Section and comment rows print their cells
// joined by a space across the whole width; item and subtotal rows print one
// cell per column and ignore cells beyond the last column. An unknown kind is
// an item.
type Row struct {
	Kind  string
	Cells []string
}

// Table is a small table, such as the VAT per rate.
type Table struct {
	Columns []Column
	Rows    []Row
}

// Document is everything printed on a business document. Every field is
// optional; empty ones are left out of the page.
type Document struct {
	Title     string      // "FACTURE", "DEVIS", "AVOIR", "MISE EN DEMEURE"...
	Number    string      // printed after "N°" / "No."
	Facts     [][2]string // label/value pairs near the title: dates, references
	Seller    Party
	Buyer     Party
	Extra     *Party   // e.g. the delivery address when it differs
	Logo      []byte   // PNG or JPEG, scaled to fit a box
	Intro     []string // paragraphs before the table (the body of a letter)
	Columns   []Column
	Rows      []Row
	Taxes     *Table      // printed beside the totals
	Totals    [][2]string // label/value, right-aligned; the last one is emphasised
	Notes     []string    // paragraphs after the totals: payment terms, notes
	Mentions  []string    // legal mentions, in smaller text
	Bank      []string    // bank details box: IBAN, BIC, payment reference
	Footer    []string    // the seller's legal footer, on every page
	Signature string      // a signature block when not empty ("Bon pour accord")
}

// Render writes d as a PDF to w. It fails only on invalid options, a logo
// that is neither a readable PNG nor JPEG, or a write error; any text is
// accepted.
func Render(w io.Writer, d Document, o Options) error {
	r, err := newRenderer(d, o)
	if err != nil {
		return err
	}
	return r.render(w)
}

// rgb is a colour; the zero value is black.
type rgb struct{ r, g, b int }

// defaultAccent is a dark navy that prints well in grey too.
var defaultAccent = rgb{0x1f, 0x3a, 0x5f}

// parseAccent reads "#RRGGBB".
func parseAccent(s string) (rgb, error) {
	if s == "" {
		return defaultAccent, nil
	}
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, fmt.Errorf("pdf: accent colour %q: want the form #RRGGBB, such as #1F3A5F", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return rgb{}, fmt.Errorf("pdf: accent colour %q: %q is not six hexadecimal digits", s, s[1:])
	}
	return rgb{int(v >> 16), int(v >> 8 & 0xff), int(v & 0xff)}, nil
}

// words are the renderer's own words in one language.
type words struct {
	page      string // format of the page number, with the page and the count
	number    string // before the document number
	continued string // after the title on later pages
}

var locales = map[string]words{
	"fr": {page: "Page %d/%d", number: "N°", continued: "(suite)"},
	"en": {page: "Page %d of %d", number: "No.", continued: "(continued)"},
}

// checkOptions validates o and fills in the defaults.
func checkOptions(o Options) (Options, rgb, words, error) {
	switch o.Layout {
	case "":
		o.Layout = "classic"
	case "classic", "modern":
	default:
		return o, rgb{}, words{}, fmt.Errorf("pdf: layout %q: want \"classic\" or \"modern\"", o.Layout)
	}
	if o.Locale == "" {
		o.Locale = "fr"
	}
	wd, ok := locales[o.Locale]
	if !ok {
		return o, rgb{}, words{}, fmt.Errorf("pdf: locale %q: want \"fr\" or \"en\"", o.Locale)
	}
	acc, err := parseAccent(strings.TrimSpace(o.Accent))
	if err != nil {
		return o, rgb{}, words{}, err
	}
	if o.Created.IsZero() {
		o.Created = time.Unix(0, 0).UTC()
	}
	return o, acc, wd, nil
}
