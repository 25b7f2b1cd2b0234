package mail

import (
	"fmt"
	"time"
)

var (
	frenchDays   = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// LongTime writes a date and time in words for a message in lang, in the
// time zone of t: "lundi 4 mai 2026 à 09:30" or "Monday 4 May 2026, 09:30".
func LongTime(t time.Time, lang string) string {
	if lang == "en" {
		return t.Format("Monday 2 January 2006, 15:04")
	}
	return fmt.Sprintf("%s %d %s %d à %s", frenchDays[t.Weekday()], t.Day(), frenchMonths[t.Month()-1], t.Year(), t.Format("15:04"))
}
