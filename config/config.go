// Package config builds Comptoir's configuration as a plain value from
// command-line flags and COMPTOIR_* environment variables (with _FILE
// variants for secrets), validates it at start with messages that say what
// to fix, and prints it with secrets masked. There is no global: the value
// is passed to the constructors that need it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"

	"filippo.io/age"
)

// Config is the effective configuration of one comptoir process.
type Config struct {
	Addr        string // listen address
	DataDir     string // SQLite database and local files
	DatabaseURL string // postgres:// URL; empty means SQLite in DataDir
	PublicURL   string // base of links in e-mails; never taken from requests
	TLSCert     string
	TLSKey      string
	LogFormat   string // auto, text or json
	LogLevel    string // debug, info, warn or error
	TrustProxy  bool   // take the client address from X-Forwarded-For
	SMTPURL     string // smtp://user:password@host:port?security=starttls|tls|none
	MailFrom    string // sender of every e-mail
	Signup      string // who may sign up: first, open or closed
	// ActivityRetentionDays is how long activity-log entries are kept; 0 keeps them forever.
	ActivityRetentionDays int
	// InactiveMonths ends the relationship with contacts after this many
	// months without contact; 0 never does.
	InactiveMonths int
	MaxReaders     int // database read connections
	// Where and by whom the data are hosted, and the operator's identity:
	// what the registers of processing activities report.
	HostingProvider    string
	HostingCountry     string // ISO 3166-1 alpha-2
	HostingSafeguard   string // for a host outside the EEA: the transfer's safeguard
	BackupDestinations string // comma-separated URLs
	BackupRecipients   string // comma-separated age public keys
	// BackupAt is the time of day (HH:MM, the server's zone) of the nightly
	// backup; "off" leaves backups to `comptoir backup run`.
	BackupAt string
	// BackupIdentity is the file of an age private key that can decrypt the
	// backups, for their daily automatic verification; empty: none.
	BackupIdentity string
	// BackupKeep is the rotation: daily,weekly,monthly backups kept.
	BackupKeep      string
	OperatorName    string
	OperatorAddress string
	OperatorEmail   string
	OperatorDPO     string
}

// setting describes one configuration entry: its flag, its variable and
// where its value goes.
type setting struct {
	flag, env, usage string
	secret           bool
	str              *string
	boolean          *bool
	integer          *int
}

func (c *Config) settings() []setting {
	return []setting{
		{flag: "addr", env: "COMPTOIR_ADDR", usage: "address to listen on", str: &c.Addr},
		{flag: "data", env: "COMPTOIR_DATA", usage: "directory for the SQLite database and files", str: &c.DataDir},
		{flag: "database", env: "COMPTOIR_DATABASE_URL", usage: "PostgreSQL URL (postgres://…); empty for SQLite", secret: true, str: &c.DatabaseURL},
		{flag: "public-url", env: "COMPTOIR_PUBLIC_URL", usage: "public base URL used in links sent by e-mail", str: &c.PublicURL},
		{flag: "tls-cert", env: "COMPTOIR_TLS_CERT", usage: "TLS certificate file (PEM); serves HTTPS with --tls-key", str: &c.TLSCert},
		{flag: "tls-key", env: "COMPTOIR_TLS_KEY", usage: "TLS private key file (PEM)", secret: true, str: &c.TLSKey},
		{flag: "log-format", env: "COMPTOIR_LOG_FORMAT", usage: "log format: auto (text on a terminal, else JSON), text or json", str: &c.LogFormat},
		{flag: "log-level", env: "COMPTOIR_LOG_LEVEL", usage: "log level: debug, info, warn or error", str: &c.LogLevel},
		{flag: "smtp", env: "COMPTOIR_SMTP_URL", usage: "SMTP server for e-mail: smtp://user:password@host:587 (?security=tls|none)", secret: true, str: &c.SMTPURL},
		{flag: "mail-from", env: "COMPTOIR_MAIL_FROM", usage: "sender of e-mail, e.g. \"Comptoir <no-reply@example.fr>\"", str: &c.MailFrom},
		{flag: "signup", env: "COMPTOIR_SIGNUP", usage: "who may sign up: first (only the first account of a fresh instance), open or closed", str: &c.Signup},
		{flag: "activity-retention-days", env: "COMPTOIR_ACTIVITY_RETENTION_DAYS", usage: "days the activity log is kept (0: forever)", integer: &c.ActivityRetentionDays},
		{flag: "inactive-months", env: "COMPTOIR_INACTIVE_MONTHS", usage: "months without contact after which a relationship ends (0: never)", integer: &c.InactiveMonths},
		{flag: "trust-proxy", env: "COMPTOIR_TRUST_PROXY", usage: "trust X-Forwarded-For from a reverse proxy", boolean: &c.TrustProxy},
		{flag: "max-readers", env: "COMPTOIR_MAX_READERS", usage: "database read connections", integer: &c.MaxReaders},
		{flag: "hosting-provider", env: "COMPTOIR_HOSTING_PROVIDER", usage: "who hosts this instance, for the register of processing activities (e.g. OVH)", str: &c.HostingProvider},
		{flag: "hosting-country", env: "COMPTOIR_HOSTING_COUNTRY", usage: "country where the data are hosted, ISO code (e.g. FR)", str: &c.HostingCountry},
		{flag: "hosting-safeguard", env: "COMPTOIR_HOSTING_SAFEGUARD", usage: "safeguard of the transfer when hosted outside the EEA (e.g. standard contractual clauses)", str: &c.HostingSafeguard},
		{flag: "backup-destinations", env: "COMPTOIR_BACKUP_DESTINATIONS", usage: "comma-separated backup destinations (file:///dir, s3://bucket/prefix?endpoint=…, sftp://user@host/dir)", secret: true, str: &c.BackupDestinations},
		{flag: "backup-recipients", env: "COMPTOIR_BACKUP_RECIPIENTS", usage: "comma-separated age public keys backups are encrypted to", str: &c.BackupRecipients},
		{flag: "backup-at", env: "COMPTOIR_BACKUP_AT", usage: "time of the nightly backup, HH:MM in the server's zone, or off", str: &c.BackupAt},
		{flag: "backup-identity", env: "COMPTOIR_BACKUP_IDENTITY", usage: "file of an age private key that decrypts the backups, for their daily verification (optional)", str: &c.BackupIdentity},
		{flag: "backup-keep", env: "COMPTOIR_BACKUP_KEEP", usage: "backups kept per destination: daily,weekly,monthly", str: &c.BackupKeep},
		{flag: "operator-name", env: "COMPTOIR_OPERATOR_NAME", usage: "the instance operator's name, for the processor's register", str: &c.OperatorName},
		{flag: "operator-address", env: "COMPTOIR_OPERATOR_ADDRESS", usage: "the instance operator's postal address", str: &c.OperatorAddress},
		{flag: "operator-email", env: "COMPTOIR_OPERATOR_EMAIL", usage: "the instance operator's contact e-mail", str: &c.OperatorEmail},
		{flag: "operator-dpo", env: "COMPTOIR_OPERATOR_DPO", usage: "the instance operator's data protection officer (name and e-mail)", str: &c.OperatorDPO},
	}
}

// Default returns the configuration of `comptoir serve` with no arguments.
func Default() Config {
	return Config{
		Addr:      "127.0.0.1:8080",
		DataDir:   "comptoir-data",
		LogFormat: "auto",
		LogLevel:  "info",
		MailFrom:  "Comptoir <no-reply@localhost>",
		Signup:    "first",
		// A year: CNIL's guidance for traceability logs is six months to a year.
		ActivityRetentionDays: 365,
		// Three years: CNIL's reference period for prospects after the last contact.
		InactiveMonths: 36,
		MaxReaders:     8,
		HostingCountry: "FR",
		BackupAt:       "02:30",
		BackupKeep:     "7,4,12",
	}
}

// Register adds every setting as a flag of fs whose default comes from the
// environment (getenv), so that a flag given on the command line wins over
// a variable, which wins over the built-in default. A secret may also be
// read from the file named by its _FILE variable.
func (c *Config) Register(fs *flag.FlagSet, getenv func(string) string) error {
	var errList []error
	for _, s := range c.settings() {
		v, err := envValue(s, getenv)
		if err != nil {
			errList = append(errList, err)
		}
		switch {
		case s.str != nil:
			if v != "" {
				*s.str = v
			}
			fs.StringVar(s.str, s.flag, *s.str, s.usage+" ("+s.env+")")
		case s.boolean != nil:
			if v != "" {
				b, err := strconv.ParseBool(v)
				if err != nil {
					errList = append(errList, fmt.Errorf("%s=%q: want true or false", s.env, v))
				}
				*s.boolean = b
			}
			fs.BoolVar(s.boolean, s.flag, *s.boolean, s.usage+" ("+s.env+")")
		case s.integer != nil:
			if v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					errList = append(errList, fmt.Errorf("%s=%q: want a whole number", s.env, v))
				}
				*s.integer = n
			}
			fs.IntVar(s.integer, s.flag, *s.integer, s.usage+" ("+s.env+")")
		}
	}
	return errors.Join(errList...)
}

func envValue(s setting, getenv func(string) string) (string, error) {
	if v := getenv(s.env); v != "" {
		return v, nil
	}
	if !s.secret {
		return "", nil
	}
	path := getenv(s.env + "_FILE")
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", s.env, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// Validate checks the configuration and reports every problem at once.
func (c *Config) Validate() error {
	var errList []error
	bad := func(format string, a ...any) { errList = append(errList, fmt.Errorf(format, a...)) }
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		bad("--addr / COMPTOIR_ADDR %q: want host:port, e.g. 127.0.0.1:8080", c.Addr)
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("--database / COMPTOIR_DATABASE_URL: want a postgres:// URL (leave it empty for SQLite)")
		}
	} else if c.DataDir == "" {
		bad("--data / COMPTOIR_DATA: a directory is needed for the SQLite database")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("--public-url / COMPTOIR_PUBLIC_URL %q: want an absolute http(s) URL", c.PublicURL)
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("--tls-cert and --tls-key go together: give both or neither")
	}
	for _, f := range []string{c.TLSCert, c.TLSKey} {
		if f != "" {
			if _, err := os.Stat(f); err != nil {
				bad("TLS file %s: %v", f, err)
			}
		}
	}
	if !oneOf(c.LogFormat, "auto", "text", "json") {
		bad("--log-format / COMPTOIR_LOG_FORMAT %q: want auto, text or json", c.LogFormat)
	}
	if !oneOf(c.LogLevel, "debug", "info", "warn", "error") {
		bad("--log-level / COMPTOIR_LOG_LEVEL %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			bad("--smtp / COMPTOIR_SMTP_URL: want smtp://user:password@host:port")
		}
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		bad("--mail-from / COMPTOIR_MAIL_FROM %q: want an address such as \"Comptoir <no-reply@example.fr>\"", c.MailFrom)
	}
	if !oneOf(c.Signup, "first", "open", "closed") {
		bad("--signup / COMPTOIR_SIGNUP %q: want first, open or closed", c.Signup)
	}
	if c.ActivityRetentionDays < 0 {
		bad("--activity-retention-days / COMPTOIR_ACTIVITY_RETENTION_DAYS %d: want 0 (forever) or more", c.ActivityRetentionDays)
	}
	if c.InactiveMonths < 0 {
		bad("--inactive-months / COMPTOIR_INACTIVE_MONTHS %d: want 0 (never) or more", c.InactiveMonths)
	}
	if len(c.HostingCountry) != 2 || strings.ToUpper(c.HostingCountry) != c.HostingCountry {
		bad("--hosting-country / COMPTOIR_HOSTING_COUNTRY %q: want a two-letter ISO code in capitals, e.g. FR", c.HostingCountry)
	}
	for _, d := range List(c.BackupDestinations) {
		if u, err := url.Parse(d); err != nil || u.Scheme == "" {
			bad("--backup-destinations / COMPTOIR_BACKUP_DESTINATIONS: %q is not a URL such as file:///var/backups", Mask(d))
		}
	}
	for i, r := range List(c.BackupRecipients) {
		if _, err := age.ParseX25519Recipient(r); err != nil {
			bad("--backup-recipients / COMPTOIR_BACKUP_RECIPIENTS: key %d (%.12s…) is not an age public key (age1…)", i+1, r)
		}
	}
	if c.BackupIdentity != "" {
		if _, err := os.Stat(c.BackupIdentity); err != nil {
			bad("--backup-identity / COMPTOIR_BACKUP_IDENTITY: %v", err)
		}
	}
	if len(List(c.BackupDestinations)) > 0 && len(List(c.BackupRecipients)) == 0 {
		bad("--backup-recipients / COMPTOIR_BACKUP_RECIPIENTS: backups have destinations but no age public key to be encrypted to (make one with `comptoir backup keygen` on another machine)")
	}
	if c.BackupAt != "off" {
		if _, _, err := ClockTime(c.BackupAt); err != nil {
			bad("--backup-at / COMPTOIR_BACKUP_AT %q: want a time such as 02:30, or off", c.BackupAt)
		}
	}
	if _, err := Keep(c.BackupKeep); err != nil {
		bad("--backup-keep / COMPTOIR_BACKUP_KEEP %q: %v", c.BackupKeep, err)
	}
	if c.MaxReaders < 1 || c.MaxReaders > 256 {
		bad("--max-readers / COMPTOIR_MAX_READERS %d: want 1 to 256", c.MaxReaders)
	}
	return errors.Join(errList...)
}

// BaseURL is the public URL, or one derived from the listen address.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimSuffix(c.PublicURL, "/")
	}
	scheme := "http"
	if c.TLSCert != "" {
		scheme = "https"
	}
	host, port, _ := net.SplitHostPort(c.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Print writes the effective configuration, one variable per line, with
// secrets masked.
func (c *Config) Print(w io.Writer) {
	for _, s := range c.settings() {
		var v string
		switch {
		case s.str != nil:
			v = *s.str
		case s.boolean != nil:
			v = strconv.FormatBool(*s.boolean)
		case s.integer != nil:
			v = strconv.Itoa(*s.integer)
		}
		if s.secret {
			v = Mask(v)
		}
		fmt.Fprintf(w, "%s=%s\n", s.env, v)
	}
}

// Mask hides a secret: a URL keeps everything but its password, anything
// else becomes asterisks. Empty stays empty so that "unset" shows.
func Mask(v string) string {
	if v == "" {
		return ""
	}
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		if u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
		}
		q := u.Query()
		for k := range q {
			if strings.Contains(strings.ToLower(k), "password") {
				q.Set(k, "xxxxx")
			}
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	return "********"
}

func oneOf(v string, options ...string) bool {
	for _, o := range options {
		if v == o {
			return true
		}
	}
	return false
}

// List splits a comma-separated setting into its trimmed, non-empty items.
func List(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ClockTime reads a time of day written HH:MM.
func ClockTime(s string) (hour, minute int, err error) {
	h, m, ok := strings.Cut(s, ":")
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, fmt.Errorf("%q is not a time of day such as 02:30", s)
	}
	return hour, minute, nil
}

// Keep reads a rotation written daily,weekly,monthly (such as 7,4,12).
func Keep(s string) ([3]int, error) {
	var out [3]int
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return out, errors.New("want three numbers: daily,weekly,monthly, such as 7,4,12")
	}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 || n > 1000 {
			return out, fmt.Errorf("%q is not a number of backups from 0 to 1000", p)
		}
		out[i] = n
	}
	if out == [3]int{} {
		return out, errors.New("keeping no backup at all is not a rotation")
	}
	return out, nil
}
