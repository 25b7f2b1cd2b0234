package activity

import (
	"reflect"
	"testing"
	"time"
)

type inner struct {
	City string `json:"city"`
}

type rec struct {
	Name    string    `json:"name"`
	Secret  string    `json:"-"`
	Addr    inner     `json:"address"`
	Updated time.Time `json:"seen_at,omitempty"`
	n       int
}

func TestDiff(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := rec{Name: "A", Secret: "s1", Addr: inner{City: "Paris"}, Updated: t0, n: 1}
	b := rec{Name: "B", Secret: "s2", Addr: inner{City: "Lyon"}, Updated: t0, n: 2}
	got := Diff(a, b)
	want := []Change{{"name", "A", "B"}, {"address.city", "Paris", "Lyon"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Diff = %#v, want %#v", got, want)
	}
	if d := Diff(&a, &a); len(d) != 0 {
		t.Fatalf("Diff of equal values = %v", d)
	}
}

func TestDiffShowsValues(t *testing.T) {
	type r struct {
		When *time.Time `json:"when"`
		Tags []string   `json:"tags"`
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	got := Diff(r{}, r{When: &t0, Tags: []string{"a", "b"}})
	want := []Change{{"when", "", "2026-01-02T03:04:05Z"}, {"tags", "", "a, b"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Diff = %#v", got)
	}
}
