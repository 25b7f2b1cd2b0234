package vcard

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
)

const phoneExport = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Dupré;Hélène;;Mme;\r\nFN:Hélène Dupré\r\nORG:Épicerie du Port\r\n" +
	"EMAIL;TYPE=INTERNET:helene@example.fr\r\nTEL;TYPE=CELL:+33 6 12 34 56 78\r\nADR;TYPE=HOME:;;12 rue du Port;Bayonne;;64100;France\r\n" +
	"BDAY:1980-05-17\r\nCATEGORIES:Bio,Vrac\r\nNOTE:Préfère le mardi\r\nEND:VCARD\r\n" +
	"BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Moulin de l'Adour\r\nORG:Moulin de l'Adour\r\nEND:VCARD\r\n"

func TestReadPhoneExport(t *testing.T) {
	r := NewReader(strings.NewReader(phoneExport))
	in, n, err := r.Next()
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	var c crm.Contact
	in.Apply(&c)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.LastName != "Dupré" || c.FirstName != "Hélène" || c.Civility != "Mme" || c.CompanyName != "Épicerie du Port" || c.Email != "helene@example.fr" ||
		c.Address.City != "Bayonne" || c.Address.Country != "FR" || c.BirthDate != "1980-05-17" || strings.Join(c.Tags, ",") != "bio,vrac" || c.Notes != "Préfère le mardi" {
		t.Fatalf("card 1: %+v", c)
	}
	in, _, _ = r.Next()
	if *in.Kind != crm.Company || *in.CompanyName != "Moulin de l'Adour" {
		t.Fatalf("card 2: %+v", in)
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

func TestWriteReadsBack(t *testing.T) {
	c := crm.Contact{Kind: crm.Person, Civility: "M.", LastName: "Etxeberria", FirstName: "Iñaki", Email: "inaki@example.fr",
		Address: account.Address{Line1: "1 place Louis-XIV", City: "Saint-Jean-de-Luz", PostalCode: "64500", Country: "FR"}, Tags: []string{"fidèle"}}
	var b bytes.Buffer
	if err := Write(&b, func(yield func(crm.Contact) error) error { return yield(c) }); err != nil {
		t.Fatal(err)
	}
	in, _, err := NewReader(&b).Next()
	if err != nil {
		t.Fatal(err)
	}
	var back crm.Contact
	in.Apply(&back)
	_ = back.Validate()
	if back.LastName != c.LastName || back.FirstName != c.FirstName || back.Email != c.Email || back.Address != c.Address || back.Civility != "M." || back.Tags[0] != "fidèle" {
		t.Fatalf("round trip: %+v", back)
	}
}

// FuzzReader: any input reads as cards or fails with an error; never a panic.
func FuzzReader(f *testing.F) {
	f.Add([]byte(phoneExport))
	f.Add([]byte("BEGIN:VCARD\nVERSION:4.0\nN:;;;;\nBDAY:1\nEND:VCARD\n"))
	f.Add([]byte("BEGIN:VCARD\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		for i := 0; i < 1000; i++ {
			in, _, err := r.Next()
			if err != nil {
				return
			}
			var c crm.Contact
			in.Apply(&c)
			_ = c.Validate()
		}
	})
}
