// Package sheet reads and writes the CSV files spreadsheets produce: UTF-8
// or Windows-1252 (detected), with or without a byte-order mark, with ','
// or ';' between fields (detected), quoted newlines allowed. Writing, it
// can produce what French Excel opens directly (';' and a BOM) and defuses
// cells a spreadsheet would run as formulas.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// sniffSize is how much of the file the detection reads.
const sniffSize = 64 << 10

// Reader reads records from a spreadsheet CSV.
type Reader struct {
	csv       *csv.Reader
	Encoding  string // "utf-8" or "windows-1252"
	Delimiter rune
}

// NewReader detects the encoding and the delimiter from the start of r.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	var src io.Reader = br
	enc := "utf-8"
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
		head = head[3:]
	case !utf8.Valid(trimPartialRune(head)):
		enc = "windows-1252"
		src = transform.NewReader(br, charmap.Windows1252.NewDecoder())
		head, _ = charmap.Windows1252.NewDecoder().Bytes(head)
	}
	delim := sniffDelimiter(head)
	cr := csv.NewReader(src)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	return &Reader{csv: cr, Encoding: enc, Delimiter: delim}, nil
}

// trimPartialRune drops a UTF-8 sequence cut by the sniffing window.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

// sniffDelimiter picks ';', ',' or tab: the one that appears most in the
// first line outside quotes.
func sniffDelimiter(head []byte) rune {
	counts := map[rune]int{}
	inQuotes := false
	for _, r := range string(head) {
		if r == '"' {
			inQuotes = !inQuotes
			continue
		}
		if !inQuotes && (r == '\n' || r == '\r') {
			break
		}
		if !inQuotes && (r == ';' || r == ',' || r == '\t') {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// Read returns the next record and the line it started on (1-based).
func (r *Reader) Read() ([]string, int, error) {
	rec, err := r.csv.Read()
	line := 0
	if err == nil && len(rec) > 0 {
		line, _ = r.csv.FieldPos(0)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, pe.StartLine, fmt.Errorf("line %d: %w", pe.StartLine, pe.Err)
	}
	return rec, line, err
}

// Writer writes a spreadsheet CSV.
type Writer struct {
	csv *csv.Writer
}

// NewWriter writes CSV to w; excel selects ';' and a byte-order mark, what
// French Excel opens without an import dialog.
func NewWriter(w io.Writer, excel bool) (*Writer, error) {
	cw := csv.NewWriter(w)
	if excel {
		cw.Comma = ';'
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
	}
	cw.UseCRLF = excel
	return &Writer{csv: cw}, nil
}

// Write writes one record, defusing formula cells.
func (w *Writer) Write(rec []string) error {
	safe := make([]string, len(rec))
	for i, v := range rec {
		safe[i] = Defuse(v)
	}
	return w.csv.Write(safe)
}

// Flush writes buffered data and reports any error.
func (w *Writer) Flush() error {
	w.csv.Flush()
	return w.csv.Error()
}

// Defuse prefixes a cell a spreadsheet would evaluate (starting with = + -
// @ or a control character) with an apostrophe, so it shows as text.
func Defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
