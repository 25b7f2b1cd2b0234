package backup_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/backup/backuptest"
)

func TestDirConformance(t *testing.T) {
	backuptest.Conformance(t, func(t *testing.T) backup.Destination {
		d, err := backup.Open(context.Background(), "file://"+t.TempDir()+"/backups")
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}

func TestOpenRefusesUnknownKinds(t *testing.T) {
	for _, raw := range []string{"ftp://host/dir", "/var/backups", "smb://nas/share"} {
		_, err := backup.Open(context.Background(), raw)
		if err == nil || !strings.Contains(err.Error(), "unknown kind") {
			t.Errorf("Open(%q) = %v, want an unknown kind", raw, err)
		}
	}
}

func TestParseS3URL(t *testing.T) {
	cfg, err := backup.ParseS3URL("s3://AKIA:s%2Fe%2Bcret@my-bucket/comptoir/prod/?endpoint=127.0.0.1:9000&region=eu-west-3&insecure=1")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Bucket != "my-bucket" || cfg.Prefix != "comptoir/prod/" || cfg.Endpoint != "127.0.0.1:9000" ||
		cfg.Region != "eu-west-3" || !cfg.Insecure || cfg.AccessKey != "AKIA" || cfg.SecretKey != "s/e+cret" {
		t.Fatalf("parsed %+v", cfg)
	}
	if shown := cfg.Display(); strings.Contains(shown, "cret") || strings.Contains(shown, "AKIA") {
		t.Fatalf("the URL shown, %q, has credentials", shown)
	}

	def, err := backup.ParseS3URL("s3://bucket")
	if err != nil {
		t.Fatal(err)
	}
	if def.Endpoint != "s3.amazonaws.com" || def.Insecure || def.Prefix != "" || def.AccessKey != "" {
		t.Fatalf("defaults: %+v", def)
	}

	for _, c := range []struct{ raw, want string }{
		{"s3:bucket", "two slashes"},
		{"s3:///prefix", "bucket is missing"},
		{"s3://bucket:9000/p", "has a port"},
		{"s3://Bu_cket!/p", "bucket name"},
		{"s3://ab/p", "bucket name"},
		{"s3://bucket/a//b", "prefix"},
		{"s3://bucket/a/../b", "prefix"},
		{"s3://AKIA@bucket/p", "ACCESS_KEY:SECRET"},
		{"s3://:secret@bucket/p", "ACCESS_KEY:SECRET"},
		{"s3://bucket/p?endpoint=http://minio:9000", "without a scheme"},
		{"s3://bucket/p?endpoint=minio:99999", "out of range"},
		{"s3://bucket/p?endpoint=minio:9000/path", "host:port"},
		{"s3://bucket/p?region=EU%20West", "region"},
		{"s3://bucket/p?insecure=yes", "insecure="},
		{"s3://bucket/p?lookup=virtual", "lookup="},
		{"s3://bucket/p?endpint=minio:9000", `unknown parameter "endpint"`},
		{"s3://bucket/p?secret=x", `unknown parameter "secret"`},
		{"s3://bucket/p?region=a&region=b", "given 2 times"},
		{"s3://a:b@bucket/p#c", "fragment"},
	} {
		_, err := backup.ParseS3URL(c.raw)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error about %q", c.raw, err, c.want)
		}
		if err != nil && strings.Contains(c.raw, ":b@") && strings.Contains(err.Error(), ":b@") {
			t.Errorf("%s: the error shows the secret: %v", c.raw, err)
		}
	}
}

func TestParseSFTPURL(t *testing.T) {
	fp := "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"
	cfg, err := backup.ParseSFTPURL("sftp://backup:pa%40ss@nas.example:2222/srv/backups/comptoir/?key=/etc/comptoir/id_ed25519&host_key=" + fp)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "backup" || cfg.Password != "pa@ss" || cfg.Addr != "nas.example:2222" || cfg.Dir != "/srv/backups/comptoir" ||
		cfg.KeyFile != "/etc/comptoir/id_ed25519" || cfg.HostKey != fp || cfg.KnownHosts != "" {
		t.Fatalf("parsed %+v", cfg)
	}
	if strings.Contains(cfg.Display(), "pa") && strings.Contains(cfg.Display(), "ss@") {
		t.Fatalf("the URL shown, %q, has the password", cfg.Display())
	}
	// A fingerprint's '+' survives the query string unescaped.
	plus := "SHA256:+NiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"
	if cfg, err := backup.ParseSFTPURL("sftp://u@h/d?key=/k&host_key=" + plus); err != nil || cfg.HostKey != plus {
		t.Fatalf("host_key with a '+': %+v, %v", cfg, err)
	}
	if cfg, err := backup.ParseSFTPURL("sftp://u@h/d?key=/k"); err != nil || cfg.Addr != "h:22" {
		t.Fatalf("default port: %+v, %v", cfg, err)
	}

	for _, c := range []struct{ raw, want string }{
		{"sftp:host/dir", "two slashes"},
		{"sftp://host/dir?key=/k", "user is missing"},
		{"sftp://u@:22/dir?key=/k", "host is missing"},
		{"sftp://u@h:0/dir?key=/k", "out of range"},
		{"sftp://u@h?key=/k", "directory is missing"},
		{"sftp://u@h/?key=/k", "directory is missing"},
		{"sftp://u@h/a/../b?key=/k", "'..'"},
		{"sftp://u@h/d", "no way to log in"},
		{"sftp://u@h/d?key=id_ed25519", "absolute path"},
		{"sftp://u@h/d?key=/k&known_hosts=known", "absolute path"},
		{"sftp://u@h/d?key=/k&host_key=MD5:aa:bb", "SHA256:"},
		{"sftp://u@h/d?key=/k&host_key=SHA256:short", "SHA256:"},
		{"sftp://u@h/d?key=/k&host_key=" + fp + "&known_hosts=/kh", "not both"},
		{"sftp://u@h/d?key=/k&kye=/k", `unknown parameter "kye"`},
		{"sftp://u@h/d?key=/k&key=/j", "given 2 times"},
		{"sftp://u:p@h/d#x", "fragment"},
	} {
		_, err := backup.ParseSFTPURL(c.raw)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error about %q", c.raw, err, c.want)
		}
	}
}

func FuzzParseS3URL(f *testing.F) {
	for _, s := range []string{
		"s3://bucket",
		"s3://AK:SECRET@bucket/a/b?endpoint=127.0.0.1:9000&insecure=1&region=eu-west-3",
		"s3://bucket/p?lookup=dns&endpoint=[::1]:9000",
		"s3://b:1/p?x=%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		cfg, err := backup.ParseS3URL(raw)
		if err != nil {
			return
		}
		shown, err := url.Parse(cfg.Display())
		if err != nil {
			t.Fatalf("%q shows as %q, not a URL: %v", raw, cfg.Display(), err)
		}
		if shown.User != nil {
			t.Fatalf("%q shows its credentials: %q", raw, cfg.Display())
		}
		again, err := backup.ParseS3URL(cfg.Display())
		if err != nil {
			t.Fatalf("%q shows as %q, which does not parse: %v", raw, cfg.Display(), err)
		}
		cfg.AccessKey, cfg.SecretKey = "", ""
		if again != cfg {
			t.Fatalf("%q: %+v, shown then parsed: %+v", raw, cfg, again)
		}
	})
}

func FuzzParseSFTPURL(f *testing.F) {
	for _, s := range []string{
		"sftp://u@h/d?key=/k",
		"sftp://u:pw@h:2222/srv/b?host_key=SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
		"sftp://u:pw@[::1]:22/d?known_hosts=/kh",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		cfg, err := backup.ParseSFTPURL(raw)
		if err != nil {
			return
		}
		shown, err := url.Parse(cfg.Display())
		if err != nil {
			t.Fatalf("%q shows as %q, not a URL: %v", raw, cfg.Display(), err)
		}
		if _, has := shown.User.Password(); has {
			t.Fatalf("%q shows its password: %q", raw, cfg.Display())
		}
		again, err := backup.ParseSFTPURL(cfg.Display())
		if cfg.KeyFile == "" {
			return // without its password, the URL has no way to log in left
		}
		if err != nil {
			t.Fatalf("%q shows as %q, which does not parse: %v", raw, cfg.Display(), err)
		}
		cfg.Password = ""
		if again != cfg {
			t.Fatalf("%q: %+v, shown then parsed: %+v", raw, cfg, again)
		}
	})
}
