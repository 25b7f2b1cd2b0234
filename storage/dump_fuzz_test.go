package storage

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzDumpLine feeds the line decoder of a load arbitrary lines, read as
// rows of every portable type: nothing panics, and a value it accepts
// encodes back to a line that decodes to the same value.
func FuzzDumpLine(f *testing.F) {
	for _, seed := range []string{
		`[1,"text",true,"2026-03-02T10:04:05.123456789Z","2026-03-02","AAEC",1.5]`,
		`[null,null,null,null,null,null,null]`,
		`[9223372036854775807,"\u00e9\n\"\\",0,"2026-03-02T10:04:05+02:00","1999-12-31","",-0.0]`,
		`[-9223372036854775808,"",1,"2026-03-02T10:04:05Z","2026-02-30","=",1e308]`,
		`[1,2,3]`, `[1,"a",true,"t","d","b",1,9]`, `[[1],{"a":1},true,"","","",1]`, `[1.0,"x",false,"","","",0]`,
		`[1,"x",false,"","","",0] trailing`, `{"a":1}`, ``, `[`, "[1,\"x\",false,\"\",\"\",\"\",0]\r\n",
	} {
		f.Add([]byte(seed))
	}
	types := []string{typeInteger, typeText, typeBoolean, typeTimestamp, typeDate, typeBytes, typeReal}
	f.Fuzz(func(t *testing.T, line []byte) {
		vals, err := decodeLine(line, len(types))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if len(vals) != len(types) {
			t.Fatalf("%d values accepted for %d columns", len(vals), len(types))
		}
		for _, pg := range []bool{false, true} {
			row := make([]any, len(vals))
			ok := true
			for i, v := range vals {
				if row[i], err = convertValue(v, types[i], pg); err != nil {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			// What a load writes, a dump reads back the same.
			buf := []byte{'['}
			for i, v := range row {
				if i > 0 {
					buf = append(buf, ',')
				}
				if buf, err = appendValue(buf, types[i], v); err != nil {
					if strings.Contains(err.Error(), "UTF-8") || strings.Contains(err.Error(), "JSON form") {
						ok = false // text JSON carried as U+FFFD, or a real overflowing
						break
					}
					t.Fatalf("column %s: a loaded value %#v does not dump: %v", types[i], v, err)
				}
			}
			if !ok {
				continue
			}
			buf = append(buf, ']')
			again, err := decodeLine(buf, len(types))
			if err != nil {
				t.Fatalf("a dumped line %s does not decode: %v", buf, err)
			}
			for i, v := range again {
				back, err := convertValue(v, types[i], pg)
				if err != nil {
					t.Fatalf("column %s: %s does not load again: %v", types[i], buf, err)
				}
				if !sameValue(back, row[i]) {
					t.Fatalf("column %s: %#v became %#v through %s", types[i], row[i], back, buf)
				}
			}
		}
	})
}

func sameValue(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return reflect.DeepEqual(a, b)
}

// TestDumpValues pins the form of each type in a dump, and what a load
// accepts for it.
func TestDumpValues(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 4, 5, 120000000, time.FixedZone("Paris", 3600))
	for _, tc := range []struct {
		typ  string
		in   any
		want string
	}{
		{typeInteger, int64(-42), `-42`},
		{typeInteger, true, `1`},
		{typeBoolean, int64(1), `true`},
		{typeBoolean, false, `false`},
		{typeText, "a \"b\"\n\x01é", `"a \"b\"\n\u0001é"`},
		{typeTimestamp, at, `"2026-03-02T09:04:05.120000000Z"`},
		{typeTimestamp, "2026-03-02 10:04:05.12+01:00", `"2026-03-02T09:04:05.120000000Z"`},
		{typeDate, "2026-03-02", `"2026-03-02"`},
		{typeBytes, []byte{0, 1, 255}, `"AAH/"`},
		{typeReal, 0.1, `0.1`},
		{typeText, nil, `null`},
	} {
		got, err := appendValue(nil, tc.typ, tc.in)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s %#v: %s, %v; want %s", tc.typ, tc.in, got, err, tc.want)
		}
		if !json.Valid(got) {
			t.Errorf("%s %#v: %s is not JSON", tc.typ, tc.in, got)
		}
	}
	for _, tc := range []struct {
		typ string
		in  any
	}{
		{typeText, "\xff"}, {typeInteger, "12"}, {typeTimestamp, "hier"}, {typeDate, "02/03/2026"}, {typeBoolean, "true"},
	} {
		if got, err := appendValue(nil, tc.typ, tc.in); err == nil {
			t.Errorf("%s %#v dumped as %s, want an error", tc.typ, tc.in, got)
		}
	}
	for _, tc := range []struct {
		declared, want string
	}{
		{"INTEGER", typeInteger}, {"bigint", typeInteger}, {"TEXT", typeText}, {"BOOLEAN", typeBoolean},
		{"TIMESTAMP", typeTimestamp}, {"timestamp with time zone", typeTimestamp}, {"BLOB", typeBytes}, {"bytea", typeBytes},
		{"date", typeDate}, {"double precision", typeReal}, {"varchar(20)", typeText}, {"", ""}, {"uuid", ""},
	} {
		if got := portableType(tc.declared); got != tc.want {
			t.Errorf("portableType(%q) = %q, want %q", tc.declared, got, tc.want)
		}
	}
}

// schemaOf builds a schema for loadOrder: each table's columns as name or
// name! (NOT NULL), and its foreign keys as column>table.
func schemaOf(tables map[string][]string) *dumpSchema {
	s := &dumpSchema{tables: map[string]*schemaTable{}}
	for name, spec := range tables {
		t := &schemaTable{name: name, index: map[string]int{}}
		for _, c := range spec {
			col, ref, isFK := strings.Cut(c, ">")
			col, notNull := strings.CutSuffix(col, "!")
			t.index[col] = len(t.columns)
			t.columns = append(t.columns, schemaColumn{name: col, typ: typeInteger, notNull: notNull})
			if isFK {
				t.fks = append(t.fks, schemaFK{from: []string{col}, table: ref, to: []string{"id"}})
			}
		}
		s.tables[name] = t
		s.names = append(s.names, name)
	}
	return s
}

// TestLoadOrder sorts tables after those they point at, defers a key into
// the table itself or one that closes a cycle when it can be NULL, and
// refuses a cycle of NOT NULL keys.
func TestLoadOrder(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tables   map[string][]string
		order    string
		deferred string
		err      string
	}{
		{"a chain", map[string][]string{"lines": {"id!", "doc!>docs"}, "docs": {"id!", "contact!>contacts"}, "contacts": {"id!"}},
			"contacts docs lines", "", ""},
		{"a person's company", map[string][]string{"contacts": {"id!", "company>contacts"}},
			"contacts", "contacts.company", ""},
		{"a self-reference that cannot wait", map[string][]string{"contacts": {"id!", "company!>contacts"}},
			"", "", "table contacts points at itself through NOT NULL columns company"},
		{"a cycle broken where it can be", map[string][]string{"a": {"id!", "b_id!>b"}, "b": {"id!", "a_id>a"}, "c": {"id!", "a_id!>a"}},
			"b a c", "b.a_id", ""},
		{"a cycle of NOT NULL keys", map[string][]string{"a": {"id!", "b_id!>b"}, "b": {"id!", "a_id!>a"}},
			"", "", "tables a, b point at each other through NOT NULL columns"},
		{"a key to a table not loaded", map[string][]string{"a": {"id!", "x!>elsewhere"}}, "a", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := schemaOf(tc.tables)
			order, deferred, err := s.loadOrder(s.names)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var d []string
			for table, keys := range deferred {
				for _, k := range keys {
					d = append(d, table+"."+strings.Join(k.columns, ","))
				}
			}
			if got := strings.Join(order, " "); got != tc.order {
				t.Errorf("order %q, want %q", got, tc.order)
			}
			if got := strings.Join(d, " "); got != tc.deferred {
				t.Errorf("deferred %q, want %q", got, tc.deferred)
			}
		})
	}
}

// TestConvertAcrossEngines loads a boolean kept as 0 or 1 into a boolean
// column and a boolean into an integer one, as SQLite and PostgreSQL dumps
// of one schema need; other mismatches are refused.
func TestConvertAcrossEngines(t *testing.T) {
	for _, tc := range []struct {
		v    any
		typ  string
		want any
		err  string
	}{
		{json.Number("1"), typeBoolean, true, ""},
		{json.Number("0"), typeBoolean, false, ""},
		{json.Number("2"), typeBoolean, nil, "2 is not a boolean"},
		{true, typeInteger, int64(1), ""},
		{false, typeInteger, int64(0), ""},
		{json.Number("12"), typeReal, 12.0, ""},
		{"2026-03-02", typeDate, "2026-03-02", ""},
		{"AAH/", typeBytes, []byte{0, 1, 255}, ""},
		{"AA*", typeBytes, nil, "not base64"},
		{[]any{json.Number("1")}, typeInteger, nil, "an array where an integer is expected"},
		{map[string]any{}, typeText, nil, "an object where a text is expected"},
	} {
		got, err := convertValue(tc.v, tc.typ, false)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%#v as %s: %v, want an error saying %q", tc.v, tc.typ, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%#v as %s: %#v, %v; want %#v", tc.v, tc.typ, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{typeInteger, typeBoolean, true}, {typeBoolean, typeInteger, true}, {typeText, typeText, true},
		{typeText, typeTimestamp, false}, {typeTimestamp, typeText, false}, {"uuid", typeText, false},
	} {
		if got := convertible(tc.from, tc.to); got != tc.ok {
			t.Errorf("convertible(%s, %s) = %v", tc.from, tc.to, got)
		}
	}
}
