package backup

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Format is the version of the archive layout this package writes.
const Format = 1

// Kinds of backup.
const (
	KindInstance = "instance" // the whole instance: every account
	KindAccount  = "account"  // one account, restorable into an instance
)

// Layouts of the database inside an archive.
const (
	// LayoutSQLite is a copy of the SQLite file, database/comptoir.db.
	LayoutSQLite = "sqlite-file"
	// LayoutTables is one JSON-lines file per table, database/TABLE.jsonl,
	// from either engine.
	LayoutTables = "tables"
)

// Entry is one file of an archive.
type Entry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// AccountRef names an account a backup holds.
type AccountRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Table is one table of a backup with its number of rows.
type Table struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// Manifest describes an archive's content. It is the archive's last entry,
// manifest.json, so it is encrypted with the rest.
type Manifest struct {
	Format        int          `json:"format"`
	ID            string       `json:"id"`
	Kind          string       `json:"kind"`
	Engine        string       `json:"engine"`
	Layout        string       `json:"layout"`
	SchemaVersion int64        `json:"schema_version"`
	Version       string       `json:"comptoir_version"`
	Host          string       `json:"host"`
	StartedAt     time.Time    `json:"started_at"`
	SnapshotAt    time.Time    `json:"snapshot_at"`
	Accounts      []AccountRef `json:"accounts"`
	Tables        []Table      `json:"tables"`
	Entries       []Entry      `json:"entries"`
	Files         int          `json:"files"`
	FileBytes     int64        `json:"file_bytes"`
	Warnings      []string     `json:"warnings,omitempty"`
	// MissingFiles are the entries of attached files the database refers
	// to that could not be read (deleted since the snapshot).
	MissingFiles []string `json:"missing_files,omitempty"`
}

// Rows returns the number of rows the manifest gives for table, and
// whether it names the table.
func (m Manifest) Rows(table string) (int64, bool) {
	for _, t := range m.Tables {
		if t.Name == table {
			return t.Rows, true
		}
	}
	return 0, false
}

// Descriptor is what a destination shows of a backup in plain text, so that
// it can be listed, rotated and checked without the key: no names, only
// ids, sizes, times and the archive's checksum.
type Descriptor struct {
	Format        int       `json:"format"`
	ID            string    `json:"id"`
	Kind          string    `json:"kind"`
	Engine        string    `json:"engine"`
	Layout        string    `json:"layout"`
	SchemaVersion int64     `json:"schema_version"`
	Version       string    `json:"comptoir_version"`
	Host          string    `json:"host"`
	StartedAt     time.Time `json:"started_at"`
	SnapshotAt    time.Time `json:"snapshot_at"`
	FinishedAt    time.Time `json:"finished_at"`
	Accounts      []int64   `json:"accounts"`
	Rows          int64     `json:"rows"`
	Files         int       `json:"files"`
	PlainBytes    int64     `json:"plain_bytes"`
	Size          int64     `json:"size"`
	SHA256        string    `json:"sha256"`
	Recipients    []string  `json:"recipients"`
	// Checked is set when the snapshot passed its checks before it was
	// encrypted (integrity, row counts, activity chains).
	Checked bool `json:"checked"`
}

// Verification is written beside a backup once a restore from that very
// copy was verified.
type Verification struct {
	ID         string    `json:"id"`
	VerifiedAt time.Time `json:"verified_at"`
	Host       string    `json:"host"`
	Seconds    float64   `json:"seconds"`
	Checks     []string  `json:"checks"`
}

// NewID returns a backup id: the UTC time to the second and four random
// hex digits, so that ids sort by time and two runs never collide.
func NewID(now time.Time) string {
	b := make([]byte, 2)
	_, _ = rand.Read(b)
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

var idPattern = regexp.MustCompile(`^\d{8}T\d{6}Z-[0-9a-f]{4}$`)

// ValidID reports whether id has the form NewID gives.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// TimeOf returns the time an id was made at.
func TimeOf(id string) (time.Time, error) {
	if !ValidID(id) {
		return time.Time{}, fmt.Errorf("backup: %q is not a backup id (such as 20261125T023000Z-3fa2)", id)
	}
	return time.Parse("20060102T150405Z", id[:16])
}

// Object names of a backup.
func ArchiveName(id string) string      { return "comptoir-" + id + ".tar.zst.age" }
func DescriptorName(id string) string   { return "comptoir-" + id + ".json" }
func VerificationName(id string) string { return "comptoir-" + id + ".verified.json" }

// idOf returns the id an object name belongs to and what the object is.
func idOf(name string) (id, what string) {
	rest, ok := strings.CutPrefix(name, "comptoir-")
	if !ok {
		return "", ""
	}
	for _, suffix := range []string{".tar.zst.age", ".verified.json", ".json"} {
		if id, ok := strings.CutSuffix(rest, suffix); ok && ValidID(id) {
			return id, suffix
		}
	}
	return "", ""
}
