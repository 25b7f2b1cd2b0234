package identity

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Password rules, in line with what the register promises (8 characters
// with letters and digits) and with CNIL's 2022 recommendation for
// accounts protected by access limits (about 50 bits of entropy, a list of
// common passwords refused, no forced renewal, long passphrases and paste
// welcome).
const (
	MinPasswordLength  = 8
	MaxPasswordLength  = 256
	MinPasswordEntropy = 50 // bits, estimated from length and character classes
)

// commonPasswords holds the 17,966 most common passwords of 8 characters or
// more, from the breach corpora behind zxcvbn (MIT licence), lower-cased,
// plus French favourites; one per line, gzipped.
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

// IsCommonPassword reports whether pw (ignoring case) is on the list of
// common and breached passwords.
func IsCommonPassword(pw string) bool {
	commonOnce.Do(func() {
		common = make(map[string]struct{}, 18000)
		zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
		if err != nil {
			panic("identity: common password list: " + err.Error())
		}
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			common[sc.Text()] = struct{}{}
		}
	})
	_, found := common[strings.ToLower(pw)]
	return found
}

// PasswordEntropy estimates the entropy of pw in bits from its length and
// the classes of characters it uses (lower case, upper case, digits, other).
func PasswordEntropy(pw string) float64 {
	var lower, upper, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	pool := 0
	for _, c := range []struct {
		present bool
		size    int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 33}} {
		if c.present {
			pool += c.size
		}
	}
	if pool == 0 {
		return 0
	}
	return float64(utf8.RuneCountInString(pw)) * math.Log2(float64(pool))
}

// CheckPassword returns the field code of what is wrong with a new password,
// or "" if it is acceptable.
func CheckPassword(pw string) string {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLength {
		return "password_too_short"
	}
	if n > MaxPasswordLength {
		return "password_too_long"
	}
	var letter, digit bool
	for _, r := range pw {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	if !letter || !digit {
		return "password_needs_letters_and_digits"
	}
	if PasswordEntropy(pw) < MinPasswordEntropy {
		return "password_too_weak"
	}
	if IsCommonPassword(pw) {
		return "password_too_common"
	}
	return ""
}
