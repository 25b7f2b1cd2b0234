package sales

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Terms are payment terms: a number of days after the issue date,
// optionally to the end of that month ("30 jours fin de mois", the common
// French reading: add the days, then go to the month's end). French law
// caps them at 60 days, or 45 days end of month, for sales between
// businesses.
type Terms struct {
	Days       int
	EndOfMonth bool
}

// ParseTerms reads "0" (on receipt), "30", "45_eom".
func ParseTerms(s string) (Terms, error) {
	days, eom := strings.CutSuffix(strings.TrimSpace(s), "_eom")
	n, err := strconv.Atoi(days)
	if err != nil || n < 0 || n > 60 || (eom && n > 45) {
		return Terms{}, errors.New("invalid_terms")
	}
	return Terms{Days: n, EndOfMonth: eom}, nil
}

// String is the stored form, "45_eom".
func (t Terms) String() string {
	s := strconv.Itoa(t.Days)
	if t.EndOfMonth {
		s += "_eom"
	}
	return s
}

// Due returns the due date of a document issued on issue (YYYY-MM-DD).
func (t Terms) Due(issue string) string {
	d, err := time.Parse(time.DateOnly, issue)
	if err != nil {
		return ""
	}
	d = d.AddDate(0, 0, t.Days)
	if t.EndOfMonth {
		d = time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return d.Format(time.DateOnly)
}

// Label is how the terms read on a document.
func (t Terms) Label(locale string) string {
	switch {
	case t.Days == 0 && locale == "en":
		return "Payable on receipt"
	case t.Days == 0:
		return "Paiement à réception"
	case locale == "en" && t.EndOfMonth:
		return strconv.Itoa(t.Days) + " days end of month"
	case locale == "en":
		return strconv.Itoa(t.Days) + " days"
	case t.EndOfMonth:
		return strconv.Itoa(t.Days) + " jours fin de mois"
	default:
		return strconv.Itoa(t.Days) + " jours"
	}
}

// TermsChoices are the terms offered in forms.
var TermsChoices = []string{"0", "15", "30", "30_eom", "45", "45_eom", "60"}

// DaysBetween counts the days from a to b (YYYY-MM-DD), negative when b is
// before a.
func DaysBetween(a, b string) int {
	da, err1 := time.Parse(time.DateOnly, a)
	db, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(db.Sub(da).Hours() / 24)
}
