package password

import (
	"strings"
	"testing"
)

// fast keeps tests quick; the cost is measured in BenchmarkHash.
var fast = Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse 42", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("unexpected format %q", h)
	}
	if ok, err := Verify("correct horse 42", h); !ok || err != nil {
		t.Fatalf("Verify(right) = %v, %v", ok, err)
	}
	if ok, _ := Verify("correct horse 43", h); ok {
		t.Fatal("Verify(wrong) = true")
	}
	h2, _ := Hash("correct horse 42", fast)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestNeedsRehash(t *testing.T) {
	h, _ := Hash("pw123456", fast)
	if NeedsRehash(h, fast) {
		t.Error("fresh hash needs rehash")
	}
	if !NeedsRehash(h, Default) {
		t.Error("hash with old params does not need rehash")
	}
	if !NeedsRehash("garbage", fast) {
		t.Error("malformed hash does not need rehash")
	}
}

func TestMalformed(t *testing.T) {
	for _, h := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=18$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA", "$argon2id$v=19$m=1,t=1,p=1$AA$"} {
		if _, err := Verify("x", h); err != ErrMalformed {
			t.Errorf("Verify(%q) err = %v, want ErrMalformed", h, err)
		}
	}
}

func BenchmarkHashDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse 42", Default); err != nil {
			b.Fatal(err)
		}
	}
}
