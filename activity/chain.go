package activity

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// ChainHash is the hash of an entry in its account's chain: SHA-256 over
// the previous entry's hash, the entry's sequence number and account, and
// every recorded field (changes as the JSON text stored). Any later edit,
// insertion or deletion of an entry breaks the chain from that point on.
func ChainHash(prev string, seq, accountID int64, e Entry, changesJSON string) string {
	fields := []string{
		prev,
		strconv.FormatInt(seq, 10),
		strconv.FormatInt(accountID, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.UserID, 10),
		e.Module, e.Action, e.RecordType,
		strconv.FormatInt(e.RecordID, 10),
		e.Summary, changesJSON, e.IP, e.UserAgent,
	}
	if e.ViaSupport {
		fields = append(fields, "support")
	}
	sum := sha256.Sum256([]byte(strings.Join(fields, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// MetaDigest is the SHA-256 of the columns of an entry that redaction
// keeps: an erasure pins it with the entry's hash, so that a redacted
// entry's date, author and record stay bound to the chain.
func MetaDigest(e Entry) string {
	fields := []string{
		e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.UserID, 10),
		e.Module, e.Action, e.RecordType,
		strconv.FormatInt(e.RecordID, 10),
		e.IP, e.UserAgent, strconv.FormatBool(e.ViaSupport),
	}
	sum := sha256.Sum256([]byte(strings.Join(fields, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// Filter selects entries of the log. Zero fields select everything.
type Filter struct {
	BeforeID   int64     // entries older than this id (paging)
	Limit      int       // at most this many
	From, To   time.Time // entries at or after From, before To
	UserID     int64
	Module     string
	RecordType string
	RecordID   int64
}

// Break is where verification found the chain broken.
type Break struct {
	EntryID int64
	Seq     int64
	Reason  string // "hash_mismatch", "sequence_gap", "missing_tail"
}
