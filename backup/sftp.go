package backup

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sftpDest keeps backups in a directory of an SSH server. An upload is
// written under a hidden temporary name, then renamed into place.
type sftpDest struct {
	cfg    sftpConfig
	conn   *ssh.Client
	client *sftp.Client
	done   chan struct{} // closed by Close: stops the keepalive
}

// keepaliveEvery is how often an idle or stalled connection is probed; a
// server that does not answer within keepaliveWait is dropped, so that a
// transfer to a hung server fails instead of blocking the night's backup.
const (
	keepaliveEvery = 15 * time.Second
	keepaliveWait  = 30 * time.Second
)

// keepalive probes the server until the destination is closed, and closes
// the connection when it stops answering: every call blocked on it then
// returns an error.
func (d *sftpDest) keepalive() {
	t := time.NewTicker(keepaliveEvery)
	defer t.Stop()
	for {
		select {
		case <-d.done:
			return
		case <-t.C:
		}
		answered := make(chan struct{})
		go func() {
			_, _, _ = d.conn.SendRequest("keepalive@openssh.com", true, nil)
			close(answered)
		}()
		select {
		case <-d.done:
			return
		case <-answered:
		case <-time.After(keepaliveWait):
			_ = d.conn.Close()
			return
		}
	}
}

// sftpConfig is what an sftp:// URL says, checked.
type sftpConfig struct {
	User       string
	Password   string
	Addr       string // host:port
	Dir        string // absolute, cleaned
	KeyFile    string
	KnownHosts string // "" with no HostKey: ~/.ssh/known_hosts
	HostKey    string // an OpenSSH SHA256 fingerprint, pinned
	display    string // the URL without its password
}

// parseSFTPURL checks every part of
// sftp://user[:password]@host[:port]/dir[?key=…&known_hosts=…|host_key=SHA256:…].
func parseSFTPURL(u *url.URL) (sftpConfig, error) {
	shown := *u
	if u.User != nil {
		shown.User = url.User(u.User.Username())
	}
	cfg := sftpConfig{display: shown.String()}
	bad := func(format string, args ...any) (sftpConfig, error) {
		return sftpConfig{}, fmt.Errorf("backup destination %s: %s", cfg.display, fmt.Sprintf(format, args...))
	}
	if u.Opaque != "" {
		return bad("write sftp://user@host/dir, with two slashes")
	}
	if u.Fragment != "" {
		return bad("unexpected #fragment (percent-encode a '#' in the password as %%23)")
	}
	if u.User == nil || u.User.Username() == "" {
		return bad("the user is missing: sftp://user@host/dir")
	}
	cfg.User = u.User.Username()
	cfg.Password, _ = u.User.Password()
	host := u.Hostname()
	if host == "" {
		return bad("the host is missing: sftp://user@host/dir")
	}
	port := u.Port()
	if port == "" {
		port = "22"
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return bad("port %q out of range", port)
	}
	cfg.Addr = net.JoinHostPort(host, port)
	if u.Path == "" || u.Path == "/" {
		return bad("the directory is missing: sftp://user@host/absolute/dir")
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if seg == "." || seg == ".." {
			return bad("directory %q: no '.' or '..' in it", u.Path)
		}
	}
	cfg.Dir = path.Clean(u.Path)
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("query: %v", err)
	}
	for k, v := range q {
		if len(v) > 1 {
			return bad("parameter %s is given %d times", k, len(v))
		}
		switch k {
		case "key", "known_hosts", "host_key":
		default:
			return bad("unknown parameter %q (key, known_hosts, host_key)", k)
		}
	}
	if cfg.KeyFile = q.Get("key"); cfg.KeyFile != "" && !filepath.IsAbs(cfg.KeyFile) {
		return bad("key=%q: the private key file must be an absolute path", cfg.KeyFile)
	}
	if cfg.KnownHosts = q.Get("known_hosts"); cfg.KnownHosts != "" && !filepath.IsAbs(cfg.KnownHosts) {
		return bad("known_hosts=%q: must be an absolute path", cfg.KnownHosts)
	}
	if fp := q.Get("host_key"); fp != "" {
		// A '+' of the base64 reads as a space in a query string.
		fp = strings.ReplaceAll(fp, " ", "+")
		raw, ok := strings.CutPrefix(fp, "SHA256:")
		if b, err := base64.RawStdEncoding.DecodeString(raw); !ok || err != nil || len(b) != 32 {
			return bad("host_key=%q: expected an OpenSSH fingerprint as ssh-keygen -lf prints it, SHA256:…", fp)
		}
		cfg.HostKey = fp
	}
	if cfg.HostKey != "" && cfg.KnownHosts != "" {
		return bad("give known_hosts or host_key, not both")
	}
	if cfg.KeyFile == "" && cfg.Password == "" {
		return bad("no way to log in: add key=/path/to/private_key, or a password (sftp://user:password@host/dir)")
	}
	return cfg, nil
}

func openSFTP(ctx context.Context, u *url.URL) (Destination, error) {
	cfg, err := parseSFTPURL(u)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (Destination, error) {
		return nil, fmt.Errorf("backup destination %s: %w", cfg.display, err)
	}
	auth, err := cfg.auth()
	if err != nil {
		return fail(err)
	}
	check, algos, err := cfg.hostKeyCheck()
	if err != nil {
		return fail(err)
	}
	conn, err := (&net.Dialer{Timeout: dialTimeout}).DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fail(fmt.Errorf("cannot reach %s: %w", cfg.Addr, err))
	}
	// The deadline bounds the SSH handshake and the SFTP start as well: a
	// server that accepts the connection then says nothing must not hang
	// the backup. A cancelled ctx cuts it short.
	_ = conn.SetDeadline(time.Now().Add(dialTimeout))
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	d, err := cfg.handshake(conn, auth, check, algos)
	if !stop() {
		err = errors.Join(err, ctx.Err())
	}
	if err != nil {
		_ = conn.Close()
		return fail(err)
	}
	_ = conn.SetDeadline(time.Time{})
	if err := d.client.MkdirAll(cfg.Dir); err != nil {
		_ = d.Close()
		return fail(fmt.Errorf("cannot create directory %s on %s: %w", cfg.Dir, cfg.Addr, err))
	}
	if info, err := d.client.Stat(cfg.Dir); err != nil || !info.IsDir() {
		_ = d.Close()
		return fail(fmt.Errorf("%s on %s is not a directory", cfg.Dir, cfg.Addr))
	}
	return d, nil
}

func (cfg sftpConfig) handshake(conn net.Conn, auth []ssh.AuthMethod, check ssh.HostKeyCallback, algos []string) (*sftpDest, error) {
	c, chans, reqs, err := ssh.NewClientConn(conn, cfg.Addr, &ssh.ClientConfig{
		User:              cfg.User,
		Auth:              auth,
		HostKeyCallback:   check,
		HostKeyAlgorithms: algos,
	})
	if err != nil {
		var hk *hostKeyError
		switch {
		case errors.As(err, &hk):
			return nil, hk
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, fmt.Errorf("%s refused the login of %q with the %s given: %v", cfg.Addr, cfg.User, cfg.authNames(), err)
		}
		return nil, fmt.Errorf("SSH with %s: %w", cfg.Addr, err)
	}
	client := ssh.NewClient(c, chans, reqs)
	s, err := sftp.NewClient(client, sftp.UseConcurrentWrites(true))
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("SFTP on %s (is the sftp subsystem enabled?): %w", cfg.Addr, err)
	}
	d := &sftpDest{cfg: cfg, conn: client, client: s, done: make(chan struct{})}
	go d.keepalive()
	return d, nil
}

func (cfg sftpConfig) authNames() string {
	switch {
	case cfg.KeyFile != "" && cfg.Password != "":
		return "key " + cfg.KeyFile + " and password"
	case cfg.KeyFile != "":
		return "key " + cfg.KeyFile
	}
	return "password"
}

func (cfg sftpConfig) auth() ([]ssh.AuthMethod, error) {
	var methods []ssh.AuthMethod
	if cfg.KeyFile != "" {
		pem, err := os.ReadFile(cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("private key: %w", err)
		}
		signer, err := ssh.ParsePrivateKey(pem)
		var pass *ssh.PassphraseMissingError
		if errors.As(err, &pass) {
			return nil, fmt.Errorf("private key %s is protected by a passphrase: backups run unattended, give a key without one", cfg.KeyFile)
		}
		if err != nil {
			return nil, fmt.Errorf("private key %s: not an OpenSSH or PEM private key: %w", cfg.KeyFile, err)
		}
		methods = append(methods, ssh.PublicKeys(signer))
	}
	if cfg.Password != "" {
		pw := cfg.Password
		methods = append(methods, ssh.Password(pw),
			// Servers that ask for the password through keyboard-interactive.
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	return methods, nil
}

// hostKeyError is a refused host key, with what to do about it.
type hostKeyError struct{ msg string }

func (e *hostKeyError) Error() string { return e.msg }

// hostKeyCheck returns the check of the server's key — always one: the
// pinned fingerprint, else known_hosts — and the key algorithms to ask
// the server for, those known_hosts has for it, so that a server with
// several keys shows the one that can be checked.
func (cfg sftpConfig) hostKeyCheck() (ssh.HostKeyCallback, []string, error) {
	if cfg.HostKey != "" {
		return func(_ string, _ net.Addr, key ssh.PublicKey) error {
			if seen := ssh.FingerprintSHA256(key); seen != cfg.HostKey {
				return &hostKeyError{fmt.Sprintf("the host key of %s is %s %s, not %s as host_key= says: "+
					"if the server's key was changed on purpose, put the new fingerprint in the URL; otherwise something is between Comptoir and the server",
					cfg.Addr, key.Type(), seen, cfg.HostKey)}
			}
			return nil
		}, pinnedAlgorithms, nil
	}
	file := cfg.KnownHosts
	if file == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil, fmt.Errorf("no known_hosts given and no home directory for ~/.ssh/known_hosts: %w", err)
		}
		file = filepath.Join(home, ".ssh", "known_hosts")
	}
	host, port, _ := net.SplitHostPort(cfg.Addr)
	scan := fmt.Sprintf("ssh-keyscan -p %s %s >> %s", port, host, file)
	db, err := knownhosts.New(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("known_hosts file %s does not exist: add the server's key with `%s` and check its fingerprint, or put host_key=SHA256:… in the URL", file, scan)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("known_hosts file %s: %w", file, err)
	}
	check := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := db(hostname, remote, key)
		seen := ssh.FingerprintSHA256(key)
		var ke *knownhosts.KeyError
		var re *knownhosts.RevokedError
		switch {
		case errors.As(err, &ke) && len(ke.Want) == 0:
			return &hostKeyError{fmt.Sprintf("host %s is not in %s; its %s key has fingerprint %s: "+
				"if that is the server's (ask its administrator), add it with `%s`, or put host_key=%s in the URL",
				cfg.Addr, file, key.Type(), seen, scan, seen)}
		case errors.As(err, &ke):
			return &hostKeyError{fmt.Sprintf("the host key of %s (%s %s) does not match %s line %d: "+
				"the server's key changed, or something is between Comptoir and the server; check with its administrator before editing %s",
				cfg.Addr, key.Type(), seen, ke.Want[0].Filename, ke.Want[0].Line, file)}
		case errors.As(err, &re):
			return &hostKeyError{fmt.Sprintf("the host key of %s (%s) is marked revoked in %s", cfg.Addr, seen, file)}
		}
		return err
	}
	return check, knownAlgorithms(db, cfg.Addr), nil
}

// pinnedAlgorithms asks a server for its Ed25519 key first: the
// fingerprint an administrator hands out is most often that one, whereas
// x/crypto/ssh prefers ECDSA and RSA keys.
var pinnedAlgorithms = []string{
	ssh.KeyAlgoED25519,
	ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
	ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256,
}

// knownAlgorithms asks known_hosts which keys it has for addr, by showing
// it a key it cannot have.
func knownAlgorithms(db ssh.HostKeyCallback, addr string) []string {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil
	}
	probe, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil
	}
	var ke *knownhosts.KeyError
	if !errors.As(db(addr, &net.TCPAddr{}, probe), &ke) {
		return nil
	}
	var algos []string
	for _, k := range ke.Want {
		if k.Key.Type() == ssh.KeyAlgoRSA {
			algos = append(algos, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
			continue
		}
		algos = append(algos, k.Key.Type())
	}
	return algos
}

func (d *sftpDest) String() string { return d.cfg.display }

func (d *sftpDest) path(name string) (string, error) {
	if err := checkObjectName(name); err != nil {
		return "", err
	}
	return path.Join(d.cfg.Dir, name), nil
}

// Put writes .partial-NAME-random, then renames it over NAME: a reader of
// the directory sees the old object or the new one, and List does not
// show the partial file. A failed upload removes it.
func (d *sftpDest) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	final, err := d.path(name)
	if err != nil {
		return err
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := path.Join(d.cfg.Dir, ".partial-"+name+"-"+hex.EncodeToString(rnd[:]))
	f, err := d.client.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return fmt.Errorf("%s: put %s: %w", d, name, err)
	}
	done := false
	defer func() {
		if !done {
			_ = f.Close()
			_ = d.client.Remove(tmp)
		}
	}()
	n, err := f.ReadFrom(&sizedReader{ctxReader{ctx: ctx, r: r}, size})
	if err == nil {
		err = ctx.Err() // the copy may end between two checks
	}
	if err != nil {
		return fmt.Errorf("%s: write %s: %w", d, name, err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("%s: write %s: %d bytes instead of %d", d, name, n, size)
	}
	if err := f.Sync(); err != nil && !unsupported(err) {
		return fmt.Errorf("%s: write %s: %w", d, name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: write %s: %w", d, name, err)
	}
	if err := d.rename(tmp, final); err != nil {
		return fmt.Errorf("%s: put %s: %w", d, name, err)
	}
	done = true
	return nil
}

// rename replaces final with tmp. Without the posix-rename@openssh.com
// extension, SFTP refuses to rename over a file: the target is removed
// first, and for a moment there is no object under that name.
func (d *sftpDest) rename(tmp, final string) error {
	if _, ok := d.client.HasExtension("posix-rename@openssh.com"); ok {
		err := d.client.PosixRename(tmp, final)
		if err == nil || !unsupported(err) {
			return err
		}
	}
	if err := d.client.Remove(final); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return d.client.Rename(tmp, final)
}

func unsupported(err error) bool {
	var se *sftp.StatusError
	return errors.As(err, &se) && se.FxCode() == sftp.ErrSSHFxOpUnsupported
}

func (d *sftpDest) Get(_ context.Context, name string) (io.ReadCloser, error) {
	p, err := d.path(name)
	if err != nil {
		return nil, err
	}
	f, err := d.client.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %s: %w", d, name, ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: get %s: %w", d, name, err)
	}
	return f, nil
}

// List returns the regular files of the directory, except hidden ones
// (uploads under way).
func (d *sftpDest) List(context.Context) ([]Object, error) {
	entries, err := d.client.ReadDir(d.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("%s: list: %w", d, err)
	}
	out := make([]Object, 0, len(entries))
	for _, e := range entries {
		if !e.Mode().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		out = append(out, Object{Name: e.Name(), Size: e.Size(), Modified: e.ModTime().UTC()})
	}
	return out, nil
}

func (d *sftpDest) Delete(_ context.Context, name string) error {
	p, err := d.path(name)
	if err != nil {
		return err
	}
	if err := d.client.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: delete %s: %w", d, name, err)
	}
	return nil
}

func (d *sftpDest) Close() error {
	select {
	case <-d.done:
	default:
		close(d.done)
	}
	err := d.client.Close()
	if cerr := d.conn.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = errors.Join(err, cerr)
	}
	return err
}

// sizedReader tells pkg/sftp how much is coming, so that it writes
// several packets at once (-1: unknown, as many as it allows).
type sizedReader struct {
	ctxReader
	size int64
}

func (s *sizedReader) Size() int64 { return s.size }
