package pdf

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
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
