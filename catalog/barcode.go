package catalog

import (
	"errors"
	"strings"
)

// ErrBarcode is returned for a barcode that is not an EAN-8, EAN-13 or
// UPC-A with a valid check digit.
var ErrBarcode = errors.New("invalid_barcode")

// CheckBarcode normalizes a barcode (spaces and dashes dropped) and checks
// it: 8 digits (EAN-8), 12 (UPC-A) or 13 (EAN-13), the last one the GS1
// check digit of the others.
func CheckBarcode(s string) (string, error) {
	code := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
	if n := len(code); n != 8 && n != 12 && n != 13 {
		return code, ErrBarcode
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return code, ErrBarcode
		}
	}
	if CheckDigit(code[:len(code)-1]) != code[len(code)-1] {
		return code, ErrBarcode
	}
	return code, nil
}

// CheckDigit is the GS1 check digit of digits (a barcode without its last
// digit): from the right, digits are weighted 3, 1, 3, 1…, and the check
// digit brings the sum to a multiple of ten. It returns 0 for input that
// is not all digits.
func CheckDigit(digits string) byte {
	sum := 0
	for i := 0; i < len(digits); i++ {
		d := digits[len(digits)-1-i]
		if d < '0' || d > '9' {
			return 0
		}
		w := 1
		if i%2 == 0 {
			w = 3
		}
		sum += int(d-'0') * w
	}
	return byte('0' + (10-sum%10)%10)
}
