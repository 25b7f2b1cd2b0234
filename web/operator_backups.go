package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/service"
)

// The operator's backup page: whether the instance is backed up, where,
// how the last runs went and whether a backup was ever proven restorable.
// It reads what every instance sharing the database recorded.

func init() { pageNames = append(pageNames, "operator_backups") }

// backupStaleAfter is how old the last successful backup may be before the
// page (and the documented alert) calls it late: a nightly backup and two
// hours of slack for a slow run or a retry.
const backupStaleAfter = 26 * time.Hour

type operatorBackupsPage struct {
	Page
	Operator identity.Operator
	Status   service.BackupStatus
	// Zone names the server's time zone, in which the times are shown and
	// the schedule is read.
	Zone string
	// Last is the newest backup run that ended; Running the one under way
	// since, if any.
	Last, Running *service.BackupRunView
	// Stale is true when backups are configured and the last successful
	// one is older than backupStaleAfter, or there is none.
	Stale bool
	now   time.Time
}

func (s *Server) operatorBackups(w http.ResponseWriter, r *http.Request) error {
	o := r.Context().Value(operatorKey{}).(identity.Operator)
	st, err := s.svc.BackupStatus(r.Context(), s.opts.BackupSchedule)
	if err != nil {
		return err
	}
	scrubRuns(&st, secretsOf(s.svc.Backup.Destinations))
	return s.render(w, r, "operator_backups", newBackupsPage(s.basePage(r), o, st, time.Now()))
}

func newBackupsPage(p Page, o identity.Operator, st service.BackupStatus, now time.Time) *operatorBackupsPage {
	// The operator looks after the server, not an account: times are the
	// server's, as COMPTOIR_BACKUP_AT is.
	p.loc = time.Local
	now = now.In(time.Local)
	page := &operatorBackupsPage{Page: p, Operator: o, Status: st, now: now,
		Zone:  zoneName(now),
		Stale: st.Configured && (st.LastSuccess == nil || now.Sub(st.LastSuccess.StartedAt) > backupStaleAfter)}
	page.Last, page.Running = lastFinishedBackup(st)
	return page
}

// zoneName names the zone of t: "CET, UTC+01:00", or "UTC".
func zoneName(t time.Time) string {
	if name, offset := t.Zone(); offset == 0 && (name == "UTC" || name == "GMT") {
		return name
	}
	return t.Format("MST, UTC-07:00")
}

// Ago says how long before the page's time t was: "il y a 3 h 05 min".
func (p *operatorBackupsPage) Ago(t time.Time) string {
	return p.T("backups.ago", map[string]any{"Age": p.age(p.now.Sub(t))})
}

// Elapsed says how long a run in progress has been going.
func (p *operatorBackupsPage) Elapsed(t time.Time) string {
	return p.T("backups.elapsed", map[string]any{"Age": p.age(p.now.Sub(t))})
}

func (p *operatorBackupsPage) age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return p.T("backups.under_a_minute")
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "\u00a0min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "\u00a0h\u00a0" + twoDigits(int(d%time.Hour/time.Minute)) + "\u00a0min"
	}
	return p.T("backups.days", int(d/(24*time.Hour)))
}

// Duration writes a run's length: "2,4 s", "38 s", "4 min 05 s", "1 h 12 min".
func (p *operatorBackupsPage) Duration(seconds float64) string {
	switch {
	case seconds < 10:
		return p.decimal(int64(seconds*10+0.5)) + "\u00a0s"
	case seconds < 60:
		return strconv.Itoa(int(seconds+0.5)) + "\u00a0s"
	case seconds < 3600:
		s := int(seconds + 0.5)
		return strconv.Itoa(s/60) + "\u00a0min\u00a0" + twoDigits(s%60) + "\u00a0s"
	}
	m := int(seconds/60 + 0.5)
	return strconv.Itoa(m/60) + "\u00a0h\u00a0" + twoDigits(m%60) + "\u00a0min"
}

// Bytes writes a size in binary multiples, in the page's language as
// FileSize does: "840 o", "12,5 Mo", "3,1 Go" ("B", "MB", "GB" in English).
func (p *operatorBackupsPage) Bytes(n int64) string {
	units := []string{"o", "Ko", "Mo", "Go", "To"}
	if p.lang == "en" {
		units = []string{"B", "KB", "MB", "GB", "TB"}
	}
	if n < 1024 {
		return strconv.FormatInt(n, 10) + "\u00a0" + units[0]
	}
	i, size := 0, float64(n)
	for size >= 1024 && i < len(units)-1 {
		size /= 1024
		i++
	}
	return p.decimal(int64(size*10+0.5)) + "\u00a0" + units[i]
}

// decimal writes tenths as a number with one decimal, without a useless
// ",0".
func (p *operatorBackupsPage) decimal(tenths int64) string {
	s := strconv.FormatInt(tenths/10, 10)
	if tenths%10 == 0 {
		return s
	}
	sep := ","
	if p.lang == "en" {
		sep = "."
	}
	return s + sep + strconv.FormatInt(tenths%10, 10)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// RunStatus is a run's status in words; RunClass its badge's colour.
func (p *operatorBackupsPage) RunStatus(status string) string { return p.T("backups.status." + status) }

func (p *operatorBackupsPage) RunClass(status string) string {
	switch status {
	case service.BackupOK:
		return "text-bg-success"
	case service.BackupPartial:
		return "text-bg-warning"
	case service.BackupRunning:
		return "text-bg-info"
	}
	return "text-bg-danger"
}

// RunKind is a run's kind in words: backup, verification, restore.
func (p *operatorBackupsPage) RunKind(kind string) string { return p.T("backups.kind." + kind) }

// InProgress reports whether a run is still under way.
func (p *operatorBackupsPage) InProgress(v service.BackupRunView) bool {
	return v.Status == service.BackupRunning
}

// secretsOf lists the passwords and secret query values of the configured
// destinations, to be kept off the page: each as written in the URL,
// decoded, and encoded again as url.URL.String writes it, since an error
// may quote any of them.
func secretsOf(destinations []string) []string {
	var out []string
	add := func(forms ...string) {
		for _, f := range forms {
			if f != "" && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	for _, raw := range destinations {
		raw = strings.TrimSpace(raw)
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		if pw, ok := u.User.Password(); ok {
			_, encoded, _ := strings.Cut(url.UserPassword("", pw).String(), ":")
			add(pw, writtenPassword(raw), encoded)
		}
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, v, _ := strings.Cut(kv, "=")
			key, err := url.QueryUnescape(k)
			if err != nil {
				key = k
			}
			switch strings.ToLower(key) {
			case "secret", "secret_key", "password", "token", "session_token":
				decoded, err := url.QueryUnescape(v)
				if err != nil {
					decoded = v
				}
				add(decoded, v, url.QueryEscape(decoded))
			}
		}
	}
	return out
}

// writtenPassword returns the password of a URL as written in it, before
// any percent-decoding: the user information ends at the authority's last
// "@", as url.Parse reads it.
func writtenPassword(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(rest[:at], ":")
	return pw
}

// scrubRuns removes the destinations' secrets from the recorded errors.
// The backup package redacts what it reports; this second guard keeps a
// secret off the page should an error from a library quote a URL whole.
// Secrets shorter than four characters are left alone: replacing them
// would garble the messages and they protect nothing.
func scrubRuns(st *service.BackupStatus, secrets []string) {
	// Longest first: a secret's longer form, written or encoded, goes
	// whole rather than leaving a tail behind.
	secrets = slices.Clone(secrets)
	slices.SortStableFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, s := range secrets {
		if len(s) >= 4 {
			pairs = append(pairs, s, "xxxxx")
		}
	}
	if len(pairs) == 0 {
		return
	}
	r := strings.NewReplacer(pairs...)
	scrub := func(v *service.BackupRunView) {
		if v == nil {
			return
		}
		v.Error = r.Replace(v.Error)
		if v.Backup != nil {
			for i := range v.Backup.Warnings {
				v.Backup.Warnings[i] = r.Replace(v.Backup.Warnings[i])
			}
			for i := range v.Backup.Destinations {
				d := &v.Backup.Destinations[i]
				d.Error, d.RotateError = r.Replace(d.Error), r.Replace(d.RotateError)
			}
		}
	}
	for i := range st.Runs {
		scrub(&st.Runs[i])
	}
	scrub(st.LastRun)
	scrub(st.LastSuccess)
	scrub(st.LastVerify)
}

// Number writes a count with the page's language's digit grouping:
// "12 345" (a narrow no-break space) or "12,345".
func (p *operatorBackupsPage) Number(n any) string {
	var v int64
	switch n := n.(type) {
	case int:
		v = int64(n)
	case int64:
		v = n
	}
	sep := "\u202f"
	if p.lang == "en" {
		sep = ","
	}
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Counted writes n things with the message id's plural form: "1 ligne",
// "12 345 lignes".
func (p *operatorBackupsPage) Counted(id string, n any) string {
	var count int64
	switch n := n.(type) {
	case int:
		count = int64(n)
	case int64:
		count = n
	}
	s, err := p.translator.loc.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count,
		TemplateData: map[string]any{"N": p.Number(count)}})
	if err != nil {
		return id // as T does; TestOperatorBackupsPageStates keeps it from shipping
	}
	return s
}

// RunSize is the size of the archive a run wrote or checked; 0 when none.
func (p *operatorBackupsPage) RunSize(v service.BackupRunView) int64 {
	if v.Size == 0 && v.Verify != nil {
		return v.Verify.Size
	}
	return v.Size
}

// ScheduleOff reports whether there is no nightly backup.
func (p *operatorBackupsPage) ScheduleOff() bool {
	return p.Status.Schedule == "" || p.Status.Schedule == "off"
}
