package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/files"
)

// TestDecodeOptionalJSON: a body left out (or only white space) is no
// input; a body given is decoded as strictly as any other.
func TestDecodeOptionalJSON(t *testing.T) {
	for _, body := range []string{"", " \n\t"} {
		in := confirmInput{SupplierNumber: "kept"}
		r := httptest.NewRequest("POST", "/api/v1/purchase-orders/1/confirm", strings.NewReader(body))
		if err := decodeOptionalJSON(httptest.NewRecorder(), r, &in); err != nil || in.SupplierNumber != "kept" {
			t.Errorf("body %q: %v %+v", body, err, in)
		}
	}
	var in confirmInput
	r := httptest.NewRequest("POST", "/api/v1/purchase-orders/1/confirm", strings.NewReader(`{"supplier_number":"AR-1"}`))
	if err := decodeOptionalJSON(httptest.NewRecorder(), r, &in); err != nil || in.SupplierNumber != "AR-1" {
		t.Errorf("a number: %v %+v", err, in)
	}
	for body, field := range map[string]string{`{"supplier_number":"AR-1","account_id":2}`: "account_id", `{"supplier_number":7}`: "supplier_number"} {
		r := httptest.NewRequest("POST", "/api/v1/purchase-orders/1/confirm", strings.NewReader(body))
		err := decodeOptionalJSON(httptest.NewRecorder(), r, &in)
		if f := errs.FieldsOf(err); !errs.Is(err, errs.Invalid) || len(f) != 1 || f[0].Field != field {
			t.Errorf("body %s: %v", body, err)
		}
	}
	r = httptest.NewRequest("POST", "/api/v1/purchase-orders/1/confirm", strings.NewReader("supplier_number=AR-1"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := decodeOptionalJSON(httptest.NewRecorder(), r, &in); !errs.Is(err, errs.Invalid) {
		t.Errorf("a form body: %v", err)
	}
	r = httptest.NewRequest("POST", "/api/v1/purchase-orders/1/confirm", strings.NewReader(`{"supplier_number":"`+strings.Repeat("x", maxAPIBody)+`"}`))
	if err := decodeOptionalJSON(httptest.NewRecorder(), r, &in); !errs.Is(err, errs.TooLarge) {
		t.Errorf("a body over 1 MiB: %v", err)
	}
}

// FuzzDecodeConfirmInput feeds arbitrary bodies to the confirmation's
// optional body: failures are client errors, never internal ones.
func FuzzDecodeConfirmInput(f *testing.F) {
	for _, s := range []string{"", " ", `{}`, `{"supplier_number":"AR-1"}`, `{"supplier_number":null}`, `[`, `{"x":1}`, `null`, `"a"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var in confirmInput
		r := httptest.NewRequest("POST", "/api/v1/purchase-orders/1/confirm", strings.NewReader(body))
		err := decodeOptionalJSON(httptest.NewRecorder(), r, &in)
		if err != nil && !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.TooLarge) {
			t.Fatalf("body %q: %v is not a client error", body, err)
		}
		if strings.TrimSpace(body) == "" && (err != nil || in != confirmInput{}) {
			t.Fatalf("an empty body: %v %+v", err, in)
		}
	})
}

// readUpload finds the file field of a multipart body with boundary B, as
// the upload handler does, and reads it through an uploadReader.
func readUpload(body []byte, limit int64) ([]byte, *uploadReader, error) {
	r := httptest.NewRequest("POST", "/api/v1/bills/1/files", bytes.NewReader(body))
	r.Header.Set("Content-Type", "multipart/form-data; boundary=B")
	w := httptest.NewRecorder()
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	part, err := filePart(r)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = part.Close() }()
	u := &uploadReader{r: part}
	data, _ := io.ReadAll(u)
	return data, u, nil
}

func TestFilePart(t *testing.T) {
	field := func(name, filename, content string) string {
		return "--B\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n\r\n" + content + "\r\n"
	}
	data, u, err := readUpload([]byte(field("note", "", "hello")+field("file", "a.pdf", "%PDF-1.4")+"--B--\r\n"), 1<<20)
	if err != nil || string(data) != "%PDF-1.4" || u.err != nil {
		t.Fatalf("the file after another field: %q %v %v", data, u, err)
	}
	for body, code := range map[string]string{
		field("note", "", "hello") + "--B--\r\n": "required",
		"":                                       "required",
		"garbage":                                "required",
		"--B\r\nContent-Disposition: form-data; name=\"file\"\r\n": "required",
		"--B\r\nnot a header\r\n\r\nx\r\n--B--\r\n":                "malformed",
	} {
		_, _, err := readUpload([]byte(body), 1<<20)
		if f := errs.FieldsOf(err); !errs.Is(err, errs.Invalid) || len(f) != 1 || f[0].Field != "file" || f[0].Code != code {
			t.Errorf("body %q: %v, want file %s", body, err, code)
		}
	}
	// Cut short: the reader remembers why, so the handler answers 422.
	if _, u, err := readUpload([]byte(field("file", "a.pdf", "%PDF-1.4")[:80]), 1<<20); err != nil || u.err == nil {
		t.Errorf("a body cut short: %v %v", u, err)
	}
	// Over the bound: the reader remembers a *http.MaxBytesError.
	_, u, err = readUpload([]byte(field("file", "a.pdf", "%PDF-1.4"+strings.Repeat("x", 1000))+"--B--\r\n"), 500)
	if err != nil || u.err == nil || !isMaxBytes(u.err) {
		t.Errorf("a body over the bound: %v %v", u, err)
	}
}

// FuzzUploadBody feeds arbitrary multipart bodies to the upload's reader:
// never a panic, and a body without a usable file field is always a field
// error on file.
func FuzzUploadBody(f *testing.F) {
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4\r\n--B--\r\n"))
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"file\"; filename*=utf-8''%C3%A9.pdf\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=25PDF\r\n--B--\r\n"))
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--B--\r\n"))
	f.Add([]byte("--B\r\n\r\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _, err := readUpload(body, 4096)
		if err == nil {
			return
		}
		if fe := errs.FieldsOf(err); !errs.Is(err, errs.Invalid) || len(fe) != 1 || fe[0].Field != "file" {
			t.Fatalf("body %q: %v is not a field error on file", body, err)
		}
	})
}

// FuzzAttachmentDisposition: whatever name a file was uploaded under, the
// download's Content-Disposition is an attachment that gives back the
// stored name.
func FuzzAttachmentDisposition(f *testing.F) {
	for _, s := range []string{"facture.pdf", "Facture été n°118.pdf", `a"b\c;d.pdf`, "\x00\r\n", "../../x", "日本語.jpg", "%41.png", "a b\tc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, upload string) {
		for _, typ := range []string{files.PDF, files.PNG, files.JPEG} {
			name := files.DisplayName(upload, typ)
			d := contentDisposition("attachment", name)
			kind, params, err := mime.ParseMediaType(d)
			if err != nil || kind != "attachment" || params["filename"] != name {
				t.Fatalf("%q stored as %q: Content-Disposition %q reads back as %q %v %v", upload, name, d, kind, params, err)
			}
		}
	})
}

func isMaxBytes(err error) bool {
	var tooLarge *http.MaxBytesError
	return errors.As(err, &tooLarge)
}
