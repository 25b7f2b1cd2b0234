package backuptest

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// SFTPOptions change how StartSFTP's server behaves.
type SFTPOptions struct {
	// Password, if set, is accepted for User besides the key.
	Password string
	// NoPosixRename makes the server refuse posix-rename@openssh.com, as
	// some servers do, so that plain SFTP renames are used.
	NoPosixRename bool
	// ECDSAHostKey makes the server offer an ECDSA P-256 host key besides
	// its Ed25519 one (HostKey); x/crypto/ssh clients prefer ECDSA.
	ECDSAHostKey bool
}

// SFTPServer is an SSH server on loopback whose only service is SFTP,
// confined to a temporary directory.
type SFTPServer struct {
	Addr     string // 127.0.0.1:port
	Root     string // what clients see as "/"
	User     string
	Password string
	KeyFile  string // the client's private key (ed25519, OpenSSH format, unencrypted)
	HostKey  ssh.PublicKey
}

// Fingerprint is the server's host key as host_key= takes it.
func (s *SFTPServer) Fingerprint() string { return ssh.FingerprintSHA256(s.HostKey) }

// URL returns an sftp:// URL for dir (absolute, as clients see it) that
// logs in with the client key and pins the host key.
func (s *SFTPServer) URL(dir string) string {
	u := url.URL{
		Scheme:   "sftp",
		User:     url.User(s.User),
		Host:     s.Addr,
		Path:     dir,
		RawQuery: url.Values{"key": {s.KeyFile}, "host_key": {s.Fingerprint()}}.Encode(),
	}
	return u.String()
}

// SFTP starts a server and returns a ready sftp:// URL with a generated
// client key and the server's fingerprint, for a directory the
// destination creates.
func SFTP(tb testing.TB) string {
	tb.Helper()
	return StartSFTP(tb, SFTPOptions{}).URL("/backups")
}

// StartSFTP starts a server, stopped when tb ends.
func StartSFTP(tb testing.TB, o SFTPOptions) *SFTPServer {
	tb.Helper()
	s := &SFTPServer{Root: tb.TempDir(), User: "comptoir", Password: o.Password}
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	hostSigner, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		tb.Fatal(err)
	}
	s.HostKey = hostSigner.PublicKey()
	clientPub, clientPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(clientPriv, "")
	if err != nil {
		tb.Fatal(err)
	}
	s.KeyFile = filepath.Join(tb.TempDir(), "id_ed25519")
	if err := os.WriteFile(s.KeyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		tb.Fatal(err)
	}
	authorized, err := ssh.NewPublicKey(clientPub)
	if err != nil {
		tb.Fatal(err)
	}
	config := &ssh.ServerConfig{
		PublicKeyCallback: func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if c.User() == s.User && subtle.ConstantTimeCompare(key.Marshal(), authorized.Marshal()) == 1 {
				return nil, nil
			}
			return nil, errors.New("unknown key")
		},
	}
	if o.Password != "" {
		config.PasswordCallback = func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if c.User() == s.User && subtle.ConstantTimeCompare(pw, []byte(o.Password)) == 1 {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		}
	}
	config.AddHostKey(hostSigner)
	if o.ECDSAHostKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			tb.Fatal(err)
		}
		signer, err := ssh.NewSignerFromKey(k)
		if err != nil {
			tb.Fatal(err)
		}
		config.AddHostKey(signer)
	}

	root, err := os.OpenRoot(s.Root)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	srv := &sshServer{config: config, fs: &rootFS{root: root, noPosixRename: o.NoPosixRename}, conns: map[net.Conn]bool{}}
	srv.wg.Go(func() { srv.accept(ln) })
	tb.Cleanup(func() {
		_ = ln.Close()
		srv.closeAll()
		srv.wg.Wait()
		_ = root.Close()
	})
	return s
}

type sshServer struct {
	config *ssh.ServerConfig
	fs     *rootFS
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
}

func (s *sshServer) accept(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = conn.Close()
			return
		}
		s.conns[conn] = true
		s.mu.Unlock()
		s.wg.Go(func() {
			s.serve(conn)
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
			_ = conn.Close()
		})
	}
}

func (s *sshServer) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
}

func (s *sshServer) serve(conn net.Conn) {
	sc, chans, reqs, err := ssh.NewServerConn(conn, s.config)
	if err != nil {
		return // a refused login or host key: the client reports it
	}
	defer func() { _ = sc.Close() }()
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	defer wg.Wait()
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			return
		}
		wg.Go(func() { s.session(ch, requests) })
	}
}

func (s *sshServer) session(ch ssh.Channel, requests <-chan *ssh.Request) {
	defer func() { _ = ch.Close() }()
	for req := range requests {
		// The payload of a subsystem request is an SSH string: length, then name.
		ok := req.Type == "subsystem" && len(req.Payload) > 4 && string(req.Payload[4:]) == "sftp"
		_ = req.Reply(ok, nil)
		if !ok {
			continue
		}
		go ssh.DiscardRequests(requests)
		h := sftp.Handlers{FileGet: s.fs, FilePut: s.fs, FileCmd: s.fs, FileList: s.fs}
		rs := sftp.NewRequestServer(ch, h)
		_ = rs.Serve()
		_ = rs.Close()
		return
	}
}

// rootFS serves a directory through os.Root, which refuses any path that
// would leave it ("..", symbolic links).
type rootFS struct {
	root          *os.Root
	noPosixRename bool
}

func rel(p string) string {
	r := strings.TrimPrefix(path.Clean("/"+p), "/")
	if r == "" {
		return "."
	}
	return r
}

func (f *rootFS) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	return f.root.Open(rel(r.Filepath))
}

func (f *rootFS) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	pf := r.Pflags()
	flags := os.O_WRONLY
	if pf.Read {
		flags = os.O_RDWR
	}
	if pf.Creat {
		flags |= os.O_CREATE
	}
	if pf.Trunc {
		flags |= os.O_TRUNC
	}
	if pf.Excl {
		flags |= os.O_EXCL
	}
	return f.root.OpenFile(rel(r.Filepath), flags, 0o600)
}

func (f *rootFS) Filecmd(r *sftp.Request) error {
	switch r.Method {
	case "Setstat":
		return nil
	case "Rename":
		// Plain SFTP (draft 02) refuses to rename over an existing file.
		if _, err := f.root.Lstat(rel(r.Target)); err == nil {
			return fmt.Errorf("rename %s: %w", r.Target, os.ErrExist)
		}
		return f.root.Rename(rel(r.Filepath), rel(r.Target))
	case "Rmdir", "Remove":
		return f.root.Remove(rel(r.Filepath))
	case "Mkdir":
		return f.root.Mkdir(rel(r.Filepath), 0o700)
	}
	return sftp.ErrSSHFxOpUnsupported
}

func (f *rootFS) PosixRename(r *sftp.Request) error {
	if f.noPosixRename {
		return sftp.ErrSSHFxOpUnsupported
	}
	return f.root.Rename(rel(r.Filepath), rel(r.Target))
}

func (f *rootFS) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	switch r.Method {
	case "List":
		d, err := f.root.Open(rel(r.Filepath))
		if err != nil {
			return nil, err
		}
		defer func() { _ = d.Close() }()
		entries, err := d.ReadDir(-1)
		if err != nil {
			return nil, err
		}
		infos := make(listerAt, 0, len(entries))
		for _, e := range entries {
			if info, err := e.Info(); err == nil {
				infos = append(infos, info)
			}
		}
		return infos, nil
	case "Stat":
		info, err := f.root.Stat(rel(r.Filepath))
		if err != nil {
			return nil, err
		}
		return listerAt{info}, nil
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

type listerAt []os.FileInfo

func (l listerAt) ListAt(ls []os.FileInfo, offset int64) (int, error) {
	if offset >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(ls, l[offset:])
	if n < len(ls) {
		return n, io.EOF
	}
	return n, nil
}
