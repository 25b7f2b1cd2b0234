package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry, in millimetres.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
	contentW     = pageW - 2*margin
	pad          = 1.6 // inside table cells, above and below the text
	pageNoW      = 28.0
)

// Neutral colours shared by both layouts.
var (
	black = rgb{33, 37, 41}
	grey  = rgb{108, 117, 125}
	rule  = rgb{208, 213, 220}
	zebra = rgb{246, 247, 249}
	white = rgb{255, 255, 255}
)

// lh is the line height, in millimetres, of text of size pt.
func lh(size float64) float64 { return size * 0.3528 * 1.25 }

// style is a font and a colour.
type style struct {
	font string // "", "B" or "I"
	size float64
	ink  rgb
}

type renderer struct {
	f      *fpdf.Fpdf
	d      Document
	words  words
	modern bool
	acc    rgb
	tint   rgb // the accent mixed with white, for fills

	y      float64 // where the body goes on
	bottom float64 // the lowest y the body may reach, above the footer
	fresh  bool    // nothing drawn yet below this page's header
	table  *grid   // the table whose header a page break repeats
	logo   *fpdf.ImageInfoType

	// simple holds the classic fonts when every character of the document
	// is in Windows-1252 (nil: the Unicode fonts); font is the current style.
	simple map[string]*simpleFont
	font   string
}

func newRenderer(d Document, o Options) (*renderer, error) {
	o, acc, wd, err := checkOptions(o)
	if err != nil {
		return nil, err
	}
	d = cleanDocument(d)
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, 0) // breaks are ours: rows stay whole
	f.SetCellMargin(0)
	f.SetCompression(true)
	f.SetCatalogSort(true) // fonts in a fixed order: the same input gives the same bytes
	f.SetCreationDate(o.Created)
	f.SetModificationDate(o.Created)
	f.SetTitle(strings.TrimSpace(d.Title+" "+d.Number), true)
	f.SetAuthor(d.Seller.Name, true)
	f.SetCreator("Comptoir", true)
	f.SetProducer("Comptoir", true)
	f.SetLang(o.Locale)
	r := &renderer{f: f, d: d, words: wd, modern: o.Layout == "modern", acc: acc, tint: mix(acc, white, 0.88)}
	styles := []string{"", "B"}
	// A font costs time even unused: fpdf writes every font it was given.
	if hasComment(d.Rows) || (d.Taxes != nil && hasComment(d.Taxes.Rows)) {
		styles = append(styles, "I")
	}
	if latinDocument(d, wd) {
		r.simple = simpleFonts()
		for _, s := range styles {
			f.AddFontFromBytes(family, s, r.simple[s].def, r.simple[s].z)
		}
	} else {
		ff := fonts()
		for _, s := range styles {
			f.AddUTF8FontFromBytes(family, s, ff[s])
		}
	}
	if len(d.Logo) > 0 {
		if err := r.registerLogo(); err != nil {
			return nil, err
		}
	}
	if f.Err() {
		return nil, fmt.Errorf("pdf: %w", f.Error())
	}
	return r, nil
}

func hasComment(rows []Row) bool {
	for _, row := range rows {
		if row.Kind == RowComment {
			return true
		}
	}
	return false
}

// mix returns a + (b-a)*t.
func mix(a, b rgb, t float64) rgb {
	m := func(x, y int) int { return x + int(float64(y-x)*t+0.5) }
	return rgb{m(a.r, b.r), m(a.g, b.g), m(a.b, b.b)}
}

func (r *renderer) registerLogo() (err error) {
	var kind string
	switch {
	case bytes.HasPrefix(r.d.Logo, []byte("\x89PNG\r\n\x1a\n")):
		kind = "PNG"
	case bytes.HasPrefix(r.d.Logo, []byte{0xff, 0xd8, 0xff}):
		kind = "JPG"
	default:
		return errors.New("pdf: logo: not a PNG or JPEG image")
	}
	// fpdf's PNG reader panics on some truncated files.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pdf: logo: unreadable image: %v", p)
		}
	}()
	info := r.f.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: kind}, bytes.NewReader(r.d.Logo))
	if r.f.Err() || info == nil || info.Width() <= 0 || info.Height() <= 0 {
		return fmt.Errorf("pdf: logo: %w", r.f.Error())
	}
	r.logo = info
	return nil
}

func (r *renderer) render(w io.Writer) error {
	r.footerSpace()
	r.f.AddPage()
	r.firstHeader()
	r.fresh = true
	for _, p := range r.d.Intro {
		r.flow(margin, contentW, p, style{"", 10, black})
		r.y += 2
	}
	if len(r.d.Intro) > 0 {
		r.y += 3
	}
	if g := r.grid(margin, contentW, r.d.Columns, r.d.Rows, 9); g != nil {
		r.ensure(g.headerHeight(r) + g.rowHeight(r, 0))
		r.table = g
		r.tableHeader(g)
		for i := range g.rows {
			r.row(g, i)
		}
		r.table = nil
		r.y += 4
	}
	r.totals()
	for _, p := range r.d.Notes {
		r.flow(margin, contentW, p, style{"", 9, black})
		r.y += 1.5
	}
	r.bank()
	r.signature()
	if len(r.d.Mentions) > 0 {
		r.y += 2
	}
	for _, p := range r.d.Mentions {
		r.flow(margin, contentW, p, style{"", 7.5, grey})
		r.y += 1
	}
	r.footers()
	return r.f.Output(w)
}

// Drawing primitives.

func (r *renderer) use(s style) {
	r.font = s.font
	r.f.SetFont(family, s.font, s.size)
	r.f.SetTextColor(s.ink.r, s.ink.g, s.ink.b)
}

func (r *renderer) fill(c rgb) { r.f.SetFillColor(c.r, c.g, c.b) }
func (r *renderer) draw(c rgb) { r.f.SetDrawColor(c.r, c.g, c.b) }

func (r *renderer) rect(x, y, w, h float64, c rgb) {
	r.fill(c)
	r.f.Rect(x, y, w, h, "F")
}

func (r *renderer) line(x1, y1, x2, y2, width float64, c rgb) {
	r.draw(c)
	r.f.SetLineWidth(width)
	r.f.Line(x1, y1, x2, y2)
}

// put writes one line of text in a box of width w at (x, y).
func (r *renderer) put(x, y, w, h float64, s, align string) {
	r.f.SetXY(x, y)
	if r.simple != nil {
		s = toCP1252(s)
	}
	r.f.CellFormat(w, h, s, "", 0, align, false, 0, "")
}

// wrap splits s into the lines that fit width w in the current font.
func (r *renderer) wrap(s string, w float64) []string {
	var out []string
	for p := range strings.SplitSeq(s, "\n") {
		var ls []string
		if r.simple != nil {
			_, size := r.f.GetFontSize()
			ls = splitText(p, w, size, &r.simple[r.font].w)
		} else {
			ls = splitUTF8(r.f, p, w)
		}
		if len(ls) == 0 {
			ls = []string{""}
		}
		out = append(out, ls...)
	}
	return out
}

// block draws s wrapped in width w from (x, y) and returns the y below it.
func (r *renderer) block(x, y, w float64, s string, st style, align string) float64 {
	r.use(st)
	for _, l := range r.wrap(s, w) {
		r.put(x, y, w, lh(st.size), l, align)
		y += lh(st.size)
	}
	return y
}

// blockHeight is the height block would take.
func (r *renderer) blockHeight(w float64, s string, st style) float64 {
	r.use(st)
	return float64(len(r.wrap(s, w))) * lh(st.size)
}

// flow draws a paragraph in the body, line by line, going to a new page
// when the next line does not fit.
func (r *renderer) flow(x, w float64, s string, st style) {
	r.use(st)
	for _, l := range r.wrap(s, w) {
		if r.ensure(lh(st.size)) {
			r.use(st)
		}
		r.put(x, r.y, w, lh(st.size), l, "L")
		r.y += lh(st.size)
	}
	r.fresh = false
}

// ensure starts a new page unless h millimetres fit above the footer, and
// reports whether it did.
func (r *renderer) ensure(h float64) bool {
	if r.y+h <= r.bottom || r.fresh {
		return false
	}
	r.newPage()
	return true
}

func (r *renderer) newPage() {
	r.f.AddPage()
	r.laterHeader()
	r.fresh = true
	if r.table != nil {
		r.tableHeader(r.table)
	}
}

// Headers and footers.

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (r *renderer) numbered() string {
	if r.d.Number == "" {
		return ""
	}
	return r.words.number + " " + r.d.Number
}

// logoAt draws the logo fitted in the box (x, y, w, h), against its right
// edge when right is true.
func (r *renderer) logoAt(x, y, w, h float64, right bool) float64 {
	iw, ih := r.logo.Width(), r.logo.Height()
	s := min(w/iw, h/ih)
	iw, ih = iw*s, ih*s
	if right {
		x += w - iw
	}
	r.f.ImageOptions("logo", x, y+(h-ih)/2, iw, ih, false, fpdf.ImageOptions{}, 0, "")
	return y + h
}

// party draws p in width w from (x, y) and returns the y below it.
func (r *renderer) party(x, y, w float64, p Party) float64 {
	if p.Title != "" {
		y = r.block(x, y, w, p.Title, style{"B", 7.5, r.acc}, "L") + 0.8
	}
	if p.Name != "" {
		y = r.block(x, y, w, p.Name, style{"B", 10, black}, "L") + 0.5
	}
	for _, l := range p.Lines {
		y = r.block(x, y, w, l, style{"", 8.5, black}, "L")
	}
	return y
}

func (r *renderer) partyHeight(w float64, p Party) float64 {
	h := 0.0
	if p.Title != "" {
		h += r.blockHeight(w, p.Title, style{"B", 7.5, r.acc}) + 0.8
	}
	if p.Name != "" {
		h += r.blockHeight(w, p.Name, style{"B", 10, black}) + 0.5
	}
	for _, l := range p.Lines {
		h += r.blockHeight(w, l, style{"", 8.5, black})
	}
	return h
}

func (r *renderer) firstHeader() {
	if r.modern {
		r.modernHeader()
	} else {
		r.classicHeader()
	}
}

// classicHeader: logo and seller on the left, title, number and facts on
// the right, then the buyer in a ruled box with the extra party beside it.
func (r *renderer) classicHeader() {
	d := r.d
	left, right := margin, margin
	if r.logo != nil {
		left = r.logoAt(margin, margin, 55, 24, false) + 4
	}
	left = r.party(margin, left, 90, d.Seller)

	const rx, rw = 110.0, 85.0
	if d.Title != "" {
		right = r.block(rx, right, rw, d.Title, style{"B", 20, r.acc}, "R") + 1
	}
	if n := r.numbered(); n != "" {
		right = r.block(rx, right, rw, n, style{"B", 11, black}, "R") + 2
	}
	for _, fact := range d.Facts {
		a := r.blockHeight(42, fact[0], style{"", 8.5, grey})
		b := r.blockHeight(42, fact[1], style{"B", 8.5, black})
		r.block(rx, right, 42, fact[0], style{"", 8.5, grey}, "R")
		r.block(rx+43, right, 42, fact[1], style{"B", 8.5, black}, "R")
		right += max(a, b) + 0.6
	}
	y := max(left, right) + 6
	r.line(margin, y-3, pageW-margin, y-3, 0.5, r.acc)

	const boxPad = 3.0
	h := r.partyHeight(rw-2*boxPad, d.Buyer)
	if d.Extra != nil {
		h = max(h, r.partyHeight(rw-2*boxPad, *d.Extra))
	}
	if h > 0 {
		h += 2 * boxPad
		r.draw(rule)
		r.f.SetLineWidth(0.3)
		r.f.Rect(rx, y, rw, h, "D")
		r.party(rx+boxPad, y+boxPad, rw-2*boxPad, d.Buyer)
		if d.Extra != nil {
			r.f.Rect(margin, y, rw, h, "D")
			r.party(margin+boxPad, y+boxPad, rw-2*boxPad, *d.Extra)
		}
		y += h + 6
	}
	r.y = y
}

// modernHeader: a band in the accent colour with the title and the logo on
// a white card, the facts in a tinted strip, then the parties in columns.
func (r *renderer) modernHeader() {
	d := r.d
	titleH := r.blockHeight(110, d.Title, style{"B", 22, white})
	bandH := max(40, 12+titleH+lh(11)+6)
	r.rect(0, 0, pageW, bandH, r.acc)
	y := 12.0
	if d.Title != "" {
		y = r.block(margin, y, 110, d.Title, style{"B", 22, white}, "L") + 1
	}
	r.block(margin, y, 110, r.numbered(), style{"", 11, white}, "L")
	if r.logo != nil {
		r.fill(white)
		r.f.RoundedRect(pageW-margin-60, 8, 60, 26, 2, "1234", "F")
		r.logoAt(pageW-margin-57, 10, 54, 22, true)
	}
	y = bandH + 6

	if len(d.Facts) > 0 {
		const per, cw = 4, contentW / 4
		for i := 0; i < len(d.Facts); i += per {
			row := d.Facts[i:min(i+per, len(d.Facts))]
			h := 0.0
			for _, fact := range row {
				h = max(h, r.blockHeight(cw-4, fact[0], style{"", 7, grey})+
					r.blockHeight(cw-4, fact[1], style{"B", 9.5, black}))
			}
			r.rect(margin, y, contentW, h+5, r.tint)
			for j, fact := range row {
				x := margin + float64(j)*cw + 3
				yy := r.block(x, y+2.5, cw-4, fact[0], style{"", 7, grey}, "L")
				r.block(x, yy, cw-4, fact[1], style{"B", 9.5, black}, "L")
			}
			y += h + 5
		}
		y += 5
	}

	parties := []Party{d.Seller, d.Buyer}
	if d.Extra != nil {
		parties = append(parties, *d.Extra)
	}
	const gap = 6.0
	cw := (contentW - 2*gap) / 3
	bottom := y
	for i, p := range parties {
		x := margin + float64(i)*(cw+gap)
		r.line(x, y, x+12, y, 1, r.acc)
		bottom = max(bottom, r.party(x, y+3, cw, p))
	}
	r.y = bottom + 8
}

// laterHeader is the compact header of every page after the first.
func (r *renderer) laterHeader() {
	text := strings.Join(nonEmpty(r.d.Title, r.numbered(), r.words.continued), " ")
	if r.modern {
		r.rect(0, 0, pageW, 16, r.acc)
		r.block(margin, 5.5, 120, text, style{"B", 10, white}, "L")
		r.block(pageW-margin-60, 5.5, 60, r.d.Seller.Name, style{"", 8.5, white}, "R")
	} else {
		r.block(margin, 11, 120, text, style{"B", 10, r.acc}, "L")
		r.block(pageW-margin-60, 11.5, 60, r.d.Seller.Name, style{"", 8.5, grey}, "R")
		r.line(margin, 18, pageW-margin, 18, 0.3, r.acc)
	}
	r.y = 24
}

// footerSpace measures the footer and sets the bottom of the body.
func (r *renderer) footerSpace() {
	h := 0.0
	for _, l := range r.d.Footer {
		h += r.blockHeight(contentW-2*pageNoW, l, style{"", 7, grey})
	}
	h = max(h, lh(7.5))
	r.bottom = pageH - 8 - h - 5
}

// footers draws, once every page exists, the legal footer and "Page n/N"
// on each page.
func (r *renderer) footers() {
	n := r.f.PageCount()
	top := r.bottom + 3
	for p := 1; p <= n; p++ {
		r.f.SetPage(p)
		// The page's content stream may end in another font: fpdf skips a
		// SetFont equal to its own current one, so change it twice.
		r.f.SetFont(family, "B", 1)
		r.fill(white) // text and fill colours must differ for fpdf to set the text colour
		r.line(margin, top, pageW-margin, top, 0.2, rule)
		y := top + 2
		for _, l := range r.d.Footer {
			y = r.block(margin+pageNoW, y, contentW-2*pageNoW, l, style{"", 7, grey}, "C")
		}
		r.block(pageW-margin-pageNoW, top+2, pageNoW, fmt.Sprintf(r.words.page, p, n), style{"", 7.5, grey}, "R")
	}
}

// Tables.

// grid is a table laid out at x with column widths in millimetres.
type grid struct {
	x     float64
	cols  []Column
	w     []float64
	rows  []Row
	size  float64
	width float64
}

// grid lays out a table in width w; a table without columns gets equal ones
// for its widest row. It returns nil for an empty table.
func (r *renderer) grid(x, width float64, cols []Column, rows []Row, size float64) *grid {
	if len(cols) == 0 {
		n := 0
		for _, row := range rows {
			n = max(n, len(row.Cells))
		}
		cols = make([]Column, n)
	}
	if len(cols) == 0 {
		return nil
	}
	total := 0.0
	for _, c := range cols {
		total += relative(c.Width)
	}
	g := &grid{x: x, cols: cols, rows: rows, size: size, width: width}
	for _, c := range cols {
		g.w = append(g.w, width*relative(c.Width)/total)
	}
	return g
}

func relative(w float64) float64 {
	if w > 0 && w < 1e6 {
		return w
	}
	return 1
}

// cellPad is the space left and right of the text in a cell.
const cellPad = 1.5

func align(a string) string {
	switch a {
	case "R", "C":
		return a
	}
	return "L"
}

func (g *grid) headerLines(r *renderer) [][]string {
	r.use(style{"B", g.size - 0.5, black})
	out := make([][]string, len(g.cols))
	for i, c := range g.cols {
		out[i] = r.wrap(c.Title, g.w[i]-2*cellPad)
	}
	return out
}

func (g *grid) headerHeight(r *renderer) float64 {
	n := 0
	for _, ls := range g.headerLines(r) {
		n = max(n, len(ls))
	}
	return float64(n)*lh(g.size-0.5) + 2*pad + 0.6
}

func (r *renderer) tableHeader(g *grid) {
	lines, h := g.headerLines(r), g.headerHeight(r)
	st := style{"B", g.size - 0.5, r.acc}
	if r.modern {
		r.rect(g.x, r.y, g.width, h, r.acc)
		st.ink = white
	} else {
		r.line(g.x, r.y, g.x+g.width, r.y, 0.5, r.acc)
		r.line(g.x, r.y+h, g.x+g.width, r.y+h, 0.3, r.acc)
	}
	r.use(st)
	x := g.x
	for i, ls := range lines {
		for j, l := range ls {
			r.put(x+cellPad, r.y+pad+0.3+float64(j)*lh(st.size), g.w[i]-2*cellPad, lh(st.size), l, align(g.cols[i].Align))
		}
		x += g.w[i]
	}
	r.y += h
}

// rowStyle is the font of a row's kind.
func (r *renderer) rowStyle(g *grid, kind string) style {
	switch kind {
	case RowSection:
		return style{"B", g.size + 0.5, r.acc}
	case RowComment:
		return style{"I", g.size - 0.5, grey}
	case RowSubtotal:
		return style{"B", g.size, black}
	}
	return style{"", g.size, black}
}

func spans(kind string) bool { return kind == RowSection || kind == RowComment }

// rowLines wraps the cells of row i: one column for a spanning row.
func (g *grid) rowLines(r *renderer, i int) [][]string {
	row := g.rows[i]
	r.use(r.rowStyle(g, row.Kind))
	if spans(row.Kind) {
		return [][]string{r.wrap(strings.Join(row.Cells, " "), g.width-2*cellPad)}
	}
	out := make([][]string, len(g.cols))
	for c := range g.cols {
		s := ""
		if c < len(row.Cells) {
			s = row.Cells[c]
		}
		out[c] = r.wrap(s, g.w[c]-2*cellPad)
	}
	return out
}

func (g *grid) rowHeight(r *renderer, i int) float64 {
	if i >= len(g.rows) {
		return 0
	}
	n := 0
	for _, ls := range g.rowLines(r, i) {
		n = max(n, len(ls))
	}
	return float64(n)*lh(r.rowStyle(g, g.rows[i].Kind).size) + 2*pad
}

// row draws row i of g. A row that does not fit goes whole to the next page;
// only a row taller than a page is cut, between two lines of text.
func (r *renderer) row(g *grid, i int) {
	kind := g.rows[i].Kind
	st := r.rowStyle(g, kind)
	lines := g.rowLines(r, i)
	n := 0
	for _, ls := range lines {
		n = max(n, len(ls))
	}
	step := lh(st.size)
	if r.y+float64(n)*step+2*pad > r.bottom && !r.fresh {
		r.newPage()
	}
	for start := 0; start < n; {
		k := min(n-start, max(1, int((r.bottom-r.y-2*pad)/step)))
		h := float64(k)*step + 2*pad
		switch {
		case kind == RowSection && r.modern, kind == RowSubtotal && r.modern:
			r.rect(g.x, r.y, g.width, h, r.tint)
		case kind == RowSubtotal:
			r.line(g.x, r.y, g.x+g.width, r.y, 0.3, r.acc)
		case r.modern && !spans(kind) && i%2 == 1:
			r.rect(g.x, r.y, g.width, h, zebra)
		}
		r.use(st)
		x := g.x
		for c, ls := range lines {
			w, a := g.width, "L"
			if !spans(kind) {
				w, a = g.w[c], align(g.cols[c].Align)
			}
			for j := start; j < min(start+k, len(ls)); j++ {
				r.put(x+cellPad, r.y+pad+float64(j-start)*step, w-2*cellPad, step, ls[j], a)
			}
			x += w
		}
		r.y += h
		if !r.modern && (kind == RowItem || kind == "") {
			r.line(g.x, r.y, g.x+g.width, r.y, 0.1, rule)
		}
		r.fresh = false
		if start += k; start < n {
			r.newPage()
		}
	}
}

// After the table.

// totalsW is the width of the totals box; totalValueW that of its
// amounts, enough for ten digits ("12 345 678,90 €") in the emphasised
// last line.
const (
	totalsW     = 88.0
	totalValueW = 40.0
)

// totals draws the VAT table on the left and the totals on the right, side
// by side when they fit on one page, else one after the other.
func (r *renderer) totals() {
	var taxes *grid
	if t := r.d.Taxes; t != nil {
		taxes = r.grid(margin, pageW-2*margin-totalsW-4, t.Columns, t.Rows, 8)
	}
	taxH := 0.0
	if taxes != nil {
		taxH = taxes.headerHeight(r)
		for i := range taxes.rows {
			taxH += taxes.rowHeight(r, i)
		}
	}
	totH := 0.0
	for i := range r.d.Totals {
		totH += r.totalHeight(i)
	}
	if taxH == 0 && totH == 0 {
		return
	}
	sideBySide := max(taxH, totH) <= r.bottom-24
	if sideBySide {
		r.ensure(max(taxH, totH))
	}
	top := r.y
	if taxes != nil {
		r.ensure(taxes.headerHeight(r) + taxes.rowHeight(r, 0))
		r.tableHeader(taxes)
		r.table = taxes
		for i := range taxes.rows {
			r.row(taxes, i)
		}
		r.table = nil
	}
	end := r.y
	if sideBySide {
		r.y = top
	}
	for i := range r.d.Totals {
		r.ensure(r.totalHeight(i))
		r.total(i)
	}
	r.y = max(r.y, end) + 5
}

func (r *renderer) totalStyle(i int) style {
	if i == len(r.d.Totals)-1 {
		return style{"B", 11, black}
	}
	return style{"", 9, black}
}

func (r *renderer) totalHeight(i int) float64 {
	st, t := r.totalStyle(i), r.d.Totals[i]
	return max(r.blockHeight(totalsW-totalValueW-4, t[0], st), r.blockHeight(totalValueW, t[1], st)) + 2*pad
}

func (r *renderer) total(i int) {
	x, t, h := pageW-margin-totalsW, r.d.Totals[i], r.totalHeight(i)
	st := r.totalStyle(i)
	if i == len(r.d.Totals)-1 {
		r.y += 1
		if r.modern {
			r.rect(x, r.y, totalsW, h, r.acc)
			st.ink = white
		} else {
			r.rect(x, r.y, totalsW, h, r.tint)
			r.line(x, r.y, x+totalsW, r.y, 0.5, r.acc)
			st.ink = r.acc
		}
	}
	r.block(x+2, r.y+pad, totalsW-totalValueW-4, t[0], st, "L")
	r.block(x+totalsW-totalValueW-2, r.y+pad, totalValueW, t[1], st, "R")
	r.y += h
	if i < len(r.d.Totals)-1 && !r.modern {
		r.line(x, r.y, x+totalsW, r.y, 0.1, rule)
	}
	r.fresh = false
}

// bank draws the bank details in a tinted box with an accent edge.
func (r *renderer) bank() {
	if len(r.d.Bank) == 0 {
		return
	}
	const w = 110.0
	st := style{"", 8.5, black}
	h := 4.0
	for _, l := range r.d.Bank {
		h += r.blockHeight(w-8, l, st)
	}
	r.y += 2
	r.ensure(h)
	r.rect(margin, r.y, w, h, r.tint)
	r.rect(margin, r.y, 1.2, h, r.acc)
	y := r.y + 2
	for _, l := range r.d.Bank {
		y = r.block(margin+5, y, w-8, l, st, "L")
	}
	r.y += h + 4
	r.fresh = false
}

// signature draws a box to sign in, under its text, on the right.
func (r *renderer) signature() {
	if r.d.Signature == "" {
		return
	}
	const w = 80.0
	st := style{"B", 9, black}
	h := r.blockHeight(w-6, r.d.Signature, st) + 30
	r.y += 2
	r.ensure(h)
	x := pageW - margin - w
	r.draw(rule)
	r.f.SetLineWidth(0.3)
	r.f.Rect(x, r.y, w, h, "D")
	r.block(x+3, r.y+3, w-6, r.d.Signature, st, "L")
	r.y += h + 4
	r.fresh = false
}

// latinDocument reports whether every string of d, and the renderer's own
// words, are in Windows-1252.
func latinDocument(d Document, wd words) bool {
	ok := latin(wd.page) && latin(wd.number) && latin(wd.continued) && latin(d.Signature)
	one := func(ss ...string) {
		for _, s := range ss {
			ok = ok && latin(s)
		}
	}
	pairs := func(ps [][2]string) {
		for _, p := range ps {
			one(p[0], p[1])
		}
	}
	party := func(p Party) { one(p.Title, p.Name); one(p.Lines...) }
	table := func(cols []Column, rows []Row) {
		for _, c := range cols {
			one(c.Title)
		}
		for _, row := range rows {
			one(row.Cells...)
		}
	}
	one(d.Title, d.Number)
	pairs(d.Facts)
	pairs(d.Totals)
	party(d.Seller)
	party(d.Buyer)
	if d.Extra != nil {
		party(*d.Extra)
	}
	one(d.Intro...)
	one(d.Notes...)
	one(d.Mentions...)
	one(d.Bank...)
	one(d.Footer...)
	table(d.Columns, d.Rows)
	if d.Taxes != nil {
		table(d.Taxes.Columns, d.Taxes.Rows)
	}
	return ok
}

// cleanDocument returns d with every string made safe by clean.
func cleanDocument(d Document) Document {
	one := func(s string) string { return clean(s, false) }
	many := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = clean(s, true)
		}
		return out
	}
	pairs := func(ps [][2]string) [][2]string {
		out := make([][2]string, len(ps))
		for i, p := range ps {
			out[i] = [2]string{one(p[0]), one(p[1])}
		}
		return out
	}
	party := func(p Party) Party { return Party{Title: one(p.Title), Name: one(p.Name), Lines: many(p.Lines)} }
	table := func(cols []Column, rows []Row) ([]Column, []Row) {
		c := make([]Column, len(cols))
		for i, col := range cols {
			c[i] = Column{Title: clean(col.Title, true), Width: col.Width, Align: col.Align}
		}
		rs := make([]Row, len(rows))
		for i, row := range rows {
			rs[i] = Row{Kind: row.Kind, Cells: many(row.Cells)}
		}
		return c, rs
	}
	d.Title, d.Number, d.Facts = one(d.Title), one(d.Number), pairs(d.Facts)
	d.Seller, d.Buyer = party(d.Seller), party(d.Buyer)
	if d.Extra != nil {
		e := party(*d.Extra)
		d.Extra = &e
	}
	d.Intro, d.Notes, d.Mentions = many(d.Intro), many(d.Notes), many(d.Mentions)
	d.Bank, d.Footer = many(d.Bank), many(d.Footer)
	d.Columns, d.Rows = table(d.Columns, d.Rows)
	if d.Taxes != nil {
		t := Table{}
		t.Columns, t.Rows = table(d.Taxes.Columns, d.Taxes.Rows)
		d.Taxes = &t
	}
	d.Totals, d.Signature = pairs(d.Totals), clean(d.Signature, true)
	return d
}
