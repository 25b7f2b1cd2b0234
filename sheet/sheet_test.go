package sheet

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func readAll(t *testing.T, data []byte) ([][]string, *Reader) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for {
		rec, _, err := r.Read()
		if err == io.EOF {
			return out, r
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func TestReaderDetects(t *testing.T) {
	latin1, _ := charmap.Windows1252.NewEncoder().String("Nom;Ville\nHélène;Sète\n")
	tests := []struct {
		name  string
		data  string
		enc   string
		delim rune
		want  string
	}{
		{"French Excel", "\ufeffNom;Prénom;Ville\r\nDupré;\"Hélène\nMarie\";Sète\r\n", "utf-8", ';', "Dupré|Hélène\nMarie|Sète"},
		{"Windows-1252", latin1, "windows-1252", ';', "Hélène|Sète"},
		{"commas", "name,city\n\"Smith, John\",Paris\n", "utf-8", ',', "Smith, John|Paris"},
		{"tabs", "a\tb\n1\t2\n", "utf-8", '\t', "1|2"},
	}
	for _, tt := range tests {
		recs, r := readAll(t, []byte(tt.data))
		if r.Encoding != tt.enc || r.Delimiter != tt.delim || strings.Join(recs[1], "|") != tt.want {
			t.Errorf("%s: enc %s delim %q rec %q", tt.name, r.Encoding, r.Delimiter, recs[1])
		}
	}
}

func TestWriterExcel(t *testing.T) {
	var b bytes.Buffer
	w, _ := NewWriter(&b, true)
	_ = w.Write([]string{"=HYPERLINK(\"x\")", "Dupré; fils", "+33 6", "ok"})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "\ufeff'=HYPERLINK(\"\"x\"\");Dupré; fils;'+33 6;ok\r\n" && got != "\ufeff\"'=HYPERLINK(\"\"x\"\")\";\"Dupré; fils\";'+33 6;ok\r\n" {
		t.Errorf("got %q", got)
	}
	recs, _ := readAll(t, b.Bytes())
	if recs[0][1] != "Dupré; fils" || recs[0][0] != "'=HYPERLINK(\"x\")" {
		t.Errorf("round trip: %q", recs[0])
	}
}

// FuzzReader: any bytes either read as records or fail with an error that
// names a line; never a panic.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"a;b\n1;2\n", "\ufeffx,y\n\"q\nq\",z\n", "\xe9;\xe8\n", "\"", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			rec, line, err := r.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !strings.Contains(err.Error(), "line") {
					t.Fatalf("error without a line: %v", err)
				}
				return
			}
			if line < 1 || len(rec) == 0 {
				t.Fatalf("record %q at line %d", rec, line)
			}
		}
	})
}
