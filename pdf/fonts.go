package pdf

import (
	"bytes"
	"compress/zlib"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"
)

// The DejaVu fonts (licence in fonts/LICENSE).
var (
	//go:embed fonts/DejaVuSans.ttf
	sansTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	sansBoldTTF []byte
	//go:embed fonts/DejaVuSans-Oblique.ttf
	sansObliqueTTF []byte
)

const family = "dejavu"

// coverage lists the blocks kept from the fonts: Latin with its extensions
// (Vietnamese included), IPA and combining marks, Greek, Cyrillic, Armenian,
// Georgian, punctuation, currency and letter-like symbols (€, №, ™), arrows,
// mathematical operators, Latin ligatures and the replacement character.
var coverage = [][2]rune{
	{0x20, 0x7e}, {0xa0, 0x36f}, {0x370, 0x52f}, {0x530, 0x58f},
	{0x10a0, 0x10ff}, {0x1e00, 0x1fff}, {0x2000, 0x214f},
	{0x2190, 0x22ff}, {0xfb00, 0xfb06}, {0xfffd, 0xfffd},
}

// fpdf parses a whole TrueType file each time a document adds it, and
// DejaVu Sans has 6,000 glyphs. There is no public way to share a parsed
// font between documents, so the next best is done once per process: cut
// each font down to the blocks above, which makes every later parse cheaper.
// fpdf then subsets again at output to the characters a document uses.
var fonts = sync.OnceValue(func() map[string][]byte {
	var set strings.Builder
	for _, r := range coverage {
		for c := r[0]; c <= r[1]; c++ {
			if unicode.IsPrint(c) || c == 0xa0 {
				set.WriteRune(c)
			}
		}
	}
	cut := set.String()
	return map[string][]byte{
		"":  fpdf.UTF8CutFont(sansTTF, cut),
		"B": fpdf.UTF8CutFont(sansBoldTTF, cut),
		"I": fpdf.UTF8CutFont(sansObliqueTTF, cut),
	}
})

// covered reports whether c is among the kept blocks.
func covered(c rune) bool {
	for _, r := range coverage {
		if c >= r[0] && c <= r[1] {
			return true
		}
	}
	return false
}

// clean makes s safe to hand to fpdf: valid UTF-8, no control characters
// (a newline is kept when multiline is true, else it becomes a space), and
// U+FFFD in place of any character outside the kept blocks. fpdf indexes its
// width table by code point and would panic beyond U+FFFF.
func clean(s string, multiline bool) string {
	ok := true
	for _, c := range s {
		if c == utf8.RuneError || !covered(c) || (c == '\n' && !multiline) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range s {
		switch {
		case c == '\n' && multiline:
			b.WriteByte('\n')
		case c == '\t' || c == '\n' || c == '\r':
			b.WriteByte(' ')
		case c < 0x20 || (c >= 0x7f && c < 0xa0):
		case covered(c):
			b.WriteRune(c)
		default:
			b.WriteRune(0xfffd)
		}
	}
	return b.String()
}

// The fast path. fpdf's Unicode fonts cost a few milliseconds per document
// (parsing, a 65,536-entry width table hashed into the font's id, subsetting,
// a 128 KB glyph map compressed each time). Its classic TrueType fonts cost
// next to nothing: a definition of 256 widths and a font file written as
// given, already compressed. So a document whose every character is in
// Windows-1252 — French and most Western European text, with €, œ, « » and ’
// — is rendered with classic fonts made once per process from DejaVu Sans cut
// to those characters; any other goes through the Unicode fonts.

// simpleFont is a classic fpdf font: its definition (the JSON that fpdf's
// makefont writes), its compressed file and its widths per code.
type simpleFont struct {
	def, z []byte
	w      [256]int // in thousandths of the font size
}

// cp1252Names are the PostScript names of the cut fonts; the prefix is the
// tag the PDF format gives a subset font.
var cp1252Names = map[string]string{"": "CPTRAA+DejaVuSans", "B": "CPTRAA+DejaVuSans-Bold", "I": "CPTRAA+DejaVuSans-Oblique"}

var simpleFonts = sync.OnceValue(func() map[string]*simpleFont {
	var set strings.Builder
	for b := 0x20; b <= 0xff; b++ {
		// Its five unused codes decode to U+FFFD.
		if c := charmap.Windows1252.DecodeByte(byte(b)); c != utf8.RuneError && (unicode.IsPrint(c) || c == 0xa0) {
			set.WriteRune(c)
		}
	}
	cut := set.String()
	out := map[string]*simpleFont{}
	for style, ttf := range map[string][]byte{"": sansTTF, "B": sansBoldTTF, "I": sansObliqueTTF} {
		out[style] = makeSimpleFont(fpdf.UTF8CutFont(ttf, cut), style, cut)
	}
	return out
})

// makeSimpleFont makes the classic font of a TrueType file cut to the
// characters of cut. Its metrics are those fpdf reads from the same file for
// a Unicode font, so both paths wrap and align text alike.
func makeSimpleFont(ttf []byte, style, cut string) *simpleFont {
	probe := fpdf.New("P", "mm", "A4", "")
	probe.AddUTF8FontFromBytes("probe", "", ttf)
	probe.SetFont("probe", "", 10)
	if probe.Err() {
		panic("pdf: the embedded font is unreadable: " + probe.Error().Error())
	}
	desc := probe.GetFontDesc("probe", "")
	// fpdf marks its Unicode fonts symbolic; a simple font with the
	// standard encoding must be non-symbolic for viewers to find its glyphs
	// through the Unicode cmap.
	desc.Flags = desc.Flags&^4 | 32
	sf := &simpleFont{}
	for i := range sf.w {
		sf.w[i] = desc.MissingWidth
	}
	for _, c := range cut {
		b, _ := charmap.Windows1252.EncodeRune(c)
		sf.w[b] = probe.GetStringSymbolWidth(string(c))
	}
	up, ut := underline(ttf)
	def := struct {
		Tp           string
		Name         string
		Desc         fpdf.FontDescType
		Up, Ut       int
		Cw           []int
		Enc, File    string
		OriginalSize int
	}{"TrueType", cp1252Names[style], desc, up, ut, sf.w[:], "cp1252", "dejavu-cp1252" + style + ".z", len(ttf)}
	var err error
	if sf.def, err = json.Marshal(def); err != nil {
		panic(err)
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	_, _ = zw.Write(ttf)
	_ = zw.Close()
	sf.z = z.Bytes()
	return sf
}

// underline reads the underline position and thickness of a TrueType file,
// in thousandths of the font size (fpdf never underlines here, but the
// definition has them).
func underline(ttf []byte) (pos, thick int) {
	u16 := func(o int) int { return int(binary.BigEndian.Uint16(ttf[o:])) }
	table := func(tag string) int {
		for i := range u16(4) {
			if e := 12 + 16*i; string(ttf[e:e+4]) == tag {
				return int(binary.BigEndian.Uint32(ttf[e+8:]))
			}
		}
		panic("pdf: no " + tag + " table in the embedded font")
	}
	em := float64(u16(table("head") + 18))
	post := table("post")
	scale := func(v int) int { return int(math.Round(float64(int16(v)) * 1000 / em)) }
	return scale(u16(post + 8)), scale(u16(post + 10))
}

// latin reports whether every character of s but the newline is in
// Windows-1252.
func latin(s string) bool {
	for _, c := range s {
		if c < 0x80 {
			if c < 0x20 && c != '\n' || c == 0x7f {
				return false
			}
			continue
		}
		if b, ok := charmap.Windows1252.EncodeRune(c); !ok || b < 0xa0 && c < 0xa0 {
			return false
		}
	}
	return true
}

// toCP1252 encodes s, which latin accepts, in Windows-1252.
func toCP1252(s string) string {
	ascii := true
	for i := range len(s) {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, c := range s {
		e, _ := charmap.Windows1252.EncodeRune(c)
		b = append(b, e)
	}
	return string(b)
}

// splitText is fpdf's SplitText for the widths w of a classic font of size
// (in user units) size: the same algorithm over the same widths, on UTF-8
// text, so that both paths break lines at the same places.
func splitText(txt string, width, size float64, w *[256]int) []string {
	return breakLines(txt, int(math.Ceil(width*1000/size)), func(c rune) int {
		e, _ := charmap.Windows1252.EncodeRune(c)
		return w[e]
	})
}

// splitUTF8 is fpdf's SplitText with the current Unicode font of f, except
// that no-break spaces do not break (fpdf breaks at any space).
func splitUTF8(f *fpdf.Fpdf, txt string, width float64) []string {
	_, size := f.GetFontSize()
	widths := map[rune]int{}
	return breakLines(txt, int(math.Ceil((width-2*f.GetCellMargin())*1000/size)), func(c rune) int {
		v, ok := widths[c]
		if !ok {
			v = int(math.Round(f.GetStringWidth(string(c)) * 1000 / size))
			widths[c] = v
		}
		return v
	})
}

// breakable is a space a line may break at: not a no-break space, which
// keeps "SIRET 853 217 644 00014" or "1 828 657,86 €" whole.
func breakable(c rune) bool {
	return unicode.IsSpace(c) && c != '\u00a0' && c != '\u202f' && c != '\u2007'
}

// breakLines is fpdf's line-breaking algorithm over the character widths
// width (thousandths of the font size) for a line of wmax.
func breakLines(txt string, wmax int, width func(rune) int) (lines []string) {
	s := []rune(txt)
	nb := len(s)
	for nb > 0 && s[nb-1] == '\n' {
		nb--
	}
	s = s[0:nb]
	sep, i, j, l := -1, 0, 0, 0
	for i < nb {
		c := s[i]
		l += width(c)
		if breakable(c) {
			sep = i
		}
		if c == '\n' || l > wmax {
			if sep == -1 {
				if i == j {
					i++
				}
				sep = i
			} else {
				i = sep + 1
			}
			lines = append(lines, string(s[j:sep]))
			sep = -1
			j = i
			l = 0
		} else {
			i++
		}
	}
	if i != j {
		lines = append(lines, string(s[j:i]))
	}
	return lines
}
