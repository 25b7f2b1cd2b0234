package pdf

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Report is a long text document, such as the register of processing
// activities: a title, then blocks of already formatted text. Sheets start
// on a new page; lists, fields and tables wrap and flow over pages.
type Report struct {
	Title  string
	Author string
	Blocks []Block
	Footer string // on every page, beside the page number
}

// Block is one element of a Report.
type Block struct {
	Kind  string      // one of the Block kinds; an unknown kind is a paragraph
	Label string      // a field's label, a list's title
	Text  string      // a heading, a paragraph, a field's value
	Items []string    // list items
	Rows  [][2]string // a two-column table's rows
	Head  [2]string   // its header
}

// Block kinds.
const (
	BlockTitle    = "title"
	BlockHeading  = "heading"
	BlockSheet    = "sheet" // a heading that starts a new page
	BlockSub      = "subheading"
	BlockField    = "field"
	BlockPara     = "para"
	BlockHint     = "hint"
	BlockList     = "list"
	BlockNumbered = "numbered"
	BlockTable    = "table"
)

type reportWriter struct {
	f      *fpdf.Fpdf
	simple map[string]*simpleFont // the classic fonts when every character is in Windows-1252
	font   string
	acc    rgb
	tint   rgb
	y      float64
	bottom float64
	fresh  bool
}

// RenderReport writes rep as an A4 PDF to w. Layout and Accent of o are
// the same as for documents; Locale picks the page-number wording.
func RenderReport(w io.Writer, rep Report, o Options) error {
	o, acc, wd, err := checkOptions(o)
	if err != nil {
		return err
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, 0)
	f.SetCellMargin(0)
	f.SetCompression(true)
	f.SetCatalogSort(true)
	f.SetCreationDate(o.Created)
	f.SetModificationDate(o.Created)
	f.SetTitle(clean(rep.Title, false), true)
	f.SetAuthor(clean(rep.Author, false), true)
	f.SetCreator("Comptoir", true)
	f.SetProducer("Comptoir", true)
	f.SetLang(o.Locale)
	rep = cleanReport(rep)
	r := &reportWriter{f: f, acc: acc, tint: mix(acc, white, 0.88), bottom: pageH - 18}
	// Like documents, a report in Windows-1252 takes the fast fonts.
	if latinReport(rep, wd) {
		r.simple = simpleFonts()
		for _, s := range []string{"", "B", "I"} {
			f.AddFontFromBytes(family, s, r.simple[s].def, r.simple[s].z)
		}
	} else {
		ff := fonts()
		for _, s := range []string{"", "B", "I"} {
			f.AddUTF8FontFromBytes(family, s, ff[s])
		}
	}
	r.page()
	for _, b := range rep.Blocks {
		r.block(b)
	}
	n := f.PageCount()
	for p := 1; p <= n; p++ {
		f.SetPage(p)
		f.SetFont(family, "B", 1)
		r.ink(grey)
		f.SetDrawColor(rule.r, rule.g, rule.b)
		f.SetLineWidth(0.2)
		f.Line(margin, pageH-14, pageW-margin, pageH-14)
		r.put(margin, pageH-12, contentW-pageNoW, rep.Footer, style{"", 7.5, grey}, "L")
		r.put(pageW-margin-pageNoW, pageH-12, pageNoW, fmt.Sprintf(wd.page, p, n), style{"", 7.5, grey}, "R")
	}
	if f.Err() {
		return fmt.Errorf("pdf: %w", f.Error())
	}
	return f.Output(w)
}

func (r *reportWriter) page() {
	r.f.AddPage()
	r.y = margin
	r.fresh = true
}

func (r *reportWriter) ink(c rgb) { r.f.SetTextColor(c.r, c.g, c.b) }

func (r *reportWriter) use(st style) {
	r.font = st.font
	r.f.SetFont(family, st.font, st.size)
	r.ink(st.ink)
}

func (r *reportWriter) put(x, y, w float64, s string, st style, align string) {
	r.use(st)
	r.f.SetXY(x, y)
	if r.simple != nil {
		s = toCP1252(s)
	}
	r.f.CellFormat(w, lh(st.size), s, "", 0, align, false, 0, "")
}

// lines wraps s to width w in style st.
func (r *reportWriter) lines(s string, w float64, st style) []string {
	r.use(st)
	var out []string
	for p := range strings.SplitSeq(s, "\n") {
		var ls []string
		if r.simple != nil {
			_, size := r.f.GetFontSize() // in millimetres
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

// need starts a new page unless h fits.
func (r *reportWriter) need(h float64) {
	if r.y+h > r.bottom && !r.fresh {
		r.page()
	}
}

// flow writes s wrapped in width w at x, line by line over pages.
func (r *reportWriter) flow(x, w float64, s string, st style) {
	for _, l := range r.lines(s, w, st) {
		r.need(lh(st.size))
		r.put(x, r.y, w, l, st, "L")
		r.y += lh(st.size)
		r.fresh = false
	}
}

var (
	bodyStyle  = style{"", 9.5, black}
	labelStyle = style{"B", 9, grey}
	hintStyle  = style{"I", 8, grey}
)

func (r *reportWriter) block(b Block) {
	switch b.Kind {
	case BlockTitle:
		st := style{"B", 17, r.acc}
		for _, l := range r.lines(b.Text, contentW, st) {
			r.put(margin, r.y, contentW, l, st, "C")
			r.y += lh(st.size)
		}
		r.y += 6
		r.fresh = false
	case BlockSheet:
		if !r.fresh {
			r.page()
		}
		r.heading(b.Text, style{"B", 13, r.acc})
	case BlockHeading:
		r.y += 3
		r.heading(b.Text, style{"B", 12, r.acc})
	case BlockSub:
		r.y += 2.5
		st := style{"B", 10.5, black}
		r.need(lh(st.size) * 2)
		r.flow(margin, contentW, b.Text, st)
		r.y += 1
	case BlockHint:
		r.flow(margin, contentW, b.Text, hintStyle)
		r.y += 1
	case BlockField:
		r.field(b.Label, b.Text)
	case BlockList, BlockNumbered:
		if b.Label != "" {
			r.need(lh(labelStyle.size) * 2)
			r.flow(margin, contentW, b.Label, style{"B", 9.5, black})
		}
		for i, it := range b.Items {
			mark := "•"
			if b.Kind == BlockNumbered {
				mark = strconv.Itoa(i+1) + "."
			}
			r.need(lh(bodyStyle.size))
			r.put(margin+2, r.y, 6, mark, bodyStyle, "L")
			r.flow(margin+8, contentW-8, it, bodyStyle)
		}
		r.y += 1.5
	case BlockTable:
		r.table(b)
	default:
		r.flow(margin, contentW, b.Text, bodyStyle)
		r.y += 2
	}
}

func (r *reportWriter) heading(s string, st style) {
	ls := r.lines(s, contentW, st)
	r.need(float64(len(ls))*lh(st.size) + 12)
	for _, l := range ls {
		r.put(margin, r.y, contentW, l, st, "L")
		r.y += lh(st.size)
	}
	r.f.SetDrawColor(r.acc.r, r.acc.g, r.acc.b)
	r.f.SetLineWidth(0.3)
	r.f.Line(margin, r.y+0.5, pageW-margin, r.y+0.5)
	r.y += 3
	r.fresh = false
}

// field writes a label and its value side by side, kept on one page when
// it fits on one.
func (r *reportWriter) field(label, value string) {
	const lw = 62.0
	ll := r.lines(label, lw-3, labelStyle)
	vl := r.lines(value, contentW-lw, bodyStyle)
	h := max(float64(len(ll))*lh(labelStyle.size), float64(len(vl))*lh(bodyStyle.size))
	if h <= r.bottom-margin {
		r.need(h)
	}
	y, page := r.y, r.f.PageNo()
	for _, l := range ll {
		r.put(margin, r.y, lw-3, l, labelStyle, "L")
		r.y += lh(labelStyle.size)
	}
	end := r.y
	r.y = y
	r.flow(margin+lw, contentW-lw, value, bodyStyle)
	if r.f.PageNo() == page {
		r.y = max(r.y, end)
	}
	r.y += 1.5
	r.fresh = false
}

func (r *reportWriter) table(b Block) {
	const c1 = 40.0
	head := style{"B", 9, r.acc}
	r.need(lh(head.size) + 2*pad + lh(bodyStyle.size))
	r.f.SetFillColor(r.tint.r, r.tint.g, r.tint.b)
	r.f.Rect(margin, r.y, contentW, lh(head.size)+2*pad, "F")
	r.put(margin+pad, r.y+pad, c1-2*pad, b.Head[0], head, "L")
	r.put(margin+c1+pad, r.y+pad, contentW-c1-2*pad, b.Head[1], head, "L")
	r.y += lh(head.size) + 2*pad
	for _, row := range b.Rows {
		a := r.lines(row[0], c1-2*pad, bodyStyle)
		d := r.lines(row[1], contentW-c1-2*pad, bodyStyle)
		h := float64(max(len(a), len(d)))*lh(bodyStyle.size) + 2*pad
		r.need(h)
		for i, l := range a {
			r.put(margin+pad, r.y+pad+float64(i)*lh(bodyStyle.size), c1-2*pad, l, bodyStyle, "L")
		}
		for i, l := range d {
			r.put(margin+c1+pad, r.y+pad+float64(i)*lh(bodyStyle.size), contentW-c1-2*pad, l, bodyStyle, "L")
		}
		r.y += h
		r.f.SetDrawColor(rule.r, rule.g, rule.b)
		r.f.SetLineWidth(0.2)
		r.f.Line(margin, r.y, pageW-margin, r.y)
		r.fresh = false
	}
	r.y += 3
}

// cleanReport makes every text of rep safe for fpdf (see clean); only
// paragraphs, fields and list items keep their line breaks.
func cleanReport(rep Report) Report {
	rep.Title, rep.Author, rep.Footer = clean(rep.Title, false), clean(rep.Author, false), clean(rep.Footer, false)
	blocks := make([]Block, len(rep.Blocks))
	for i, b := range rep.Blocks {
		b.Label, b.Text = clean(b.Label, false), clean(b.Text, true)
		b.Head = [2]string{clean(b.Head[0], false), clean(b.Head[1], false)}
		items := make([]string, len(b.Items))
		for j, it := range b.Items {
			items[j] = clean(it, true)
		}
		rows := make([][2]string, len(b.Rows))
		for j, row := range b.Rows {
			rows[j] = [2]string{clean(row[0], true), clean(row[1], true)}
		}
		b.Items, b.Rows = items, rows
		blocks[i] = b
	}
	rep.Blocks = blocks
	return rep
}

// latinReport reports whether every text of rep, cleaned, and the page
// numbers are in Windows-1252.
func latinReport(rep Report, wd words) bool {
	ok := latin(wd.page) && latin(rep.Footer) && latin("•")
	for _, b := range rep.Blocks {
		ok = ok && latin(b.Label) && latin(b.Text) && latin(b.Head[0]) && latin(b.Head[1])
		for _, it := range b.Items {
			ok = ok && latin(it)
		}
		for _, row := range b.Rows {
			ok = ok && latin(row[0]) && latin(row[1])
		}
	}
	return ok
}
