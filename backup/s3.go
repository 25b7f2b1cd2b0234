package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// Time limits of the remote destinations: an unreachable server must fail
// a backup within seconds, not hang it.
const (
	dialTimeout = 15 * time.Second
	// s3OpenTimeout bounds the bucket check of Open, retries included.
	s3OpenTimeout = 30 * time.Second
)

// s3PartSize is the part of a multipart upload whose size is unknown
// beforehand (size -1): minio-go keeps one part in memory, and S3 allows
// 10,000 parts, so such an object may reach 160 GiB. Above 16 MiB, an
// upload of known size goes in parts of 16 MiB too, one at a time.
const s3PartSize = 16 << 20

// s3Dest keeps backups in a bucket of S3-compatible object storage, under
// a prefix. An object appears on S3 only once its upload is complete, so
// Put is atomic without a temporary name.
type s3Dest struct {
	cfg       s3Config
	client    *minio.Client
	transport *http.Transport
}

// s3Config is what an s3:// URL says, checked.
type s3Config struct {
	Bucket    string
	Prefix    string // "" or ending with "/"
	Endpoint  string // host or host:port
	Region    string
	Insecure  bool // plain HTTP
	Lookup    minio.BucketLookupType
	AccessKey string // from the URL; "" means the environment or IAM
	SecretKey string
	display   string // the URL without its credentials
}

var s3RegionPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// parseS3URL checks every part of
// s3://[ACCESS_KEY:SECRET@]bucket[/prefix][?endpoint=host:port&region=…&insecure=1&lookup=dns|path|auto].
func parseS3URL(u *url.URL) (s3Config, error) {
	shown := *u
	shown.User = nil
	cfg := s3Config{display: shown.String()}
	bad := func(format string, args ...any) (s3Config, error) {
		return s3Config{}, fmt.Errorf("backup destination %s: %s", cfg.display, fmt.Sprintf(format, args...))
	}
	if u.Opaque != "" {
		return bad("write s3://bucket/prefix, with two slashes")
	}
	if u.Fragment != "" {
		return bad("unexpected #fragment (percent-encode a '#' in the secret key as %%23)")
	}
	if u.Host == "" {
		return bad("the bucket is missing: s3://bucket/prefix?endpoint=host:port")
	}
	if u.Port() != "" {
		return bad("the bucket %q has a port: the server goes in endpoint=host:port, the bucket after s3://", u.Host)
	}
	cfg.Bucket = u.Host
	if err := s3utils.CheckValidBucketName(cfg.Bucket); err != nil {
		return bad("bucket name %q: %v", cfg.Bucket, err)
	}
	if prefix := strings.Trim(u.Path, "/"); prefix != "" {
		for seg := range strings.SplitSeq(prefix, "/") {
			if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, `\`) {
				return bad("prefix %q: segments must be plain names (no empty, '.', '..' or backslash)", prefix)
			}
		}
		cfg.Prefix = prefix + "/"
	}
	if u.User != nil {
		cfg.AccessKey = u.User.Username()
		cfg.SecretKey, _ = u.User.Password()
		if cfg.AccessKey == "" || cfg.SecretKey == "" {
			return bad("credentials must be ACCESS_KEY:SECRET@ before the bucket (percent-encoded), or left out to use the environment")
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("query: %v", err)
	}
	for k, v := range q {
		if len(v) > 1 {
			return bad("parameter %s is given %d times", k, len(v))
		}
		switch k {
		case "endpoint", "region", "insecure", "lookup":
		default:
			return bad("unknown parameter %q (endpoint, region, insecure, lookup)", k)
		}
	}
	cfg.Endpoint = "s3.amazonaws.com"
	if e := q.Get("endpoint"); e != "" {
		if err := checkEndpoint(e); err != nil {
			return bad("endpoint %q: %v", e, err)
		}
		cfg.Endpoint = e
	}
	if r := q.Get("region"); r != "" {
		if !s3RegionPattern.MatchString(r) {
			return bad("region %q: lower-case letters, digits and dashes, e.g. eu-west-3", r)
		}
		cfg.Region = r
	}
	switch v := q.Get("insecure"); v {
	case "", "0", "false":
	case "1", "true":
		cfg.Insecure = true
	default:
		return bad("insecure=%q: 1 for plain HTTP (a server on loopback), 0 or nothing for HTTPS", v)
	}
	// Path-style requests suit a custom server (no wildcard DNS needed);
	// Amazon's own endpoint picks what it prefers.
	cfg.Lookup = minio.BucketLookupAuto
	if cfg.Endpoint != "s3.amazonaws.com" {
		cfg.Lookup = minio.BucketLookupPath
	}
	switch v := q.Get("lookup"); v {
	case "":
	case "dns":
		cfg.Lookup = minio.BucketLookupDNS
	case "path":
		cfg.Lookup = minio.BucketLookupPath
	case "auto":
		cfg.Lookup = minio.BucketLookupAuto
	default:
		return bad("lookup=%q: dns (bucket.endpoint), path (endpoint/bucket) or auto", v)
	}
	return cfg, nil
}

// checkEndpoint accepts host or host:port, without a scheme or a path.
func checkEndpoint(e string) error {
	if strings.Contains(e, "://") {
		return errors.New("host:port without a scheme (insecure=1 asks for plain HTTP)")
	}
	u, err := url.Parse("//" + e)
	if err != nil || u.Host != e || u.Hostname() == "" || u.User != nil {
		return errors.New("expected host or host:port")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q out of range", p)
		}
	}
	return nil
}

// credentials are those of the URL, else the chain minio-go reads from the
// environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, MINIO_ROOT_USER
// and MINIO_ROOT_PASSWORD, ~/.aws/credentials), else the instance's IAM role.
func (c s3Config) credentials() *credentials.Credentials {
	if c.AccessKey != "" {
		return credentials.NewStaticV4(c.AccessKey, c.SecretKey, "")
	}
	return credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{},
		&credentials.EnvMinio{},
		&credentials.FileAWSCredentials{},
		&credentials.IAM{},
	})
}

func openS3(ctx context.Context, u *url.URL) (Destination, error) {
	cfg, err := parseS3URL(u)
	if err != nil {
		return nil, err
	}
	tr, err := minio.DefaultTransport(!cfg.Insecure)
	if err != nil {
		return nil, fmt.Errorf("backup destination %s: %w", cfg.display, err)
	}
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        cfg.credentials(),
		Secure:       !cfg.Insecure,
		Transport:    tr,
		Region:       cfg.Region,
		BucketLookup: cfg.Lookup,
		// Upload retries the whole backup; here, one retry rides over a
		// dropped connection without doubling the wait for a dead server.
		MaxRetries: 2,
	})
	if err != nil {
		return nil, fmt.Errorf("backup destination %s: %w", cfg.display, err)
	}
	d := &s3Dest{cfg: cfg, client: client, transport: tr}
	if err := d.checkBucket(ctx); err != nil {
		tr.CloseIdleConnections()
		return nil, err
	}
	return d, nil
}

// checkBucket lists one object of the prefix: a GET, whose error says
// more than a HEAD's (a wrong secret, an unknown key), and which proves the
// right to list. A missing bucket is refused: the operator creates it,
// with the rights and the retention they chose.
func (d *s3Dest) checkBucket(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s3OpenTimeout)
	defer cancel()
	// The first answer tells; an empty prefix closes the channel at once.
	o, ok := <-d.client.ListObjects(ctx, d.cfg.Bucket, minio.ListObjectsOptions{Prefix: d.cfg.Prefix, MaxKeys: 1})
	switch {
	case !ok || o.Err == nil:
		return nil
	case minio.ToErrorResponse(o.Err).Code == minio.NoSuchBucket:
		return fmt.Errorf("backup destination %s: bucket %q does not exist at %s: create it first (Comptoir never creates buckets)", d, d.cfg.Bucket, d.cfg.Endpoint)
	}
	return fmt.Errorf("backup destination %s: checking bucket %q at %s: %s", d, d.cfg.Bucket, d.cfg.Endpoint, explainS3(o.Err))
}

// explainS3 turns an S3 error into a sentence an operator can act on.
func explainS3(err error) string {
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "InvalidAccessKeyId":
		return "the access key is unknown to the server"
	case resp.Code == "SignatureDoesNotMatch":
		return "the secret key is wrong for this access key"
	case resp.Code == "AccessDenied" || resp.StatusCode == http.StatusForbidden:
		return "access denied: check the access key, its secret and its rights on the bucket (or the region)"
	case resp.Code != "":
		return fmt.Sprintf("%s (%s)", resp.Message, resp.Code)
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return fmt.Sprintf("cannot reach the server: %v", err)
	}
	return err.Error()
}

func (d *s3Dest) String() string { return d.cfg.display }

func (d *s3Dest) key(name string) (string, error) {
	if err := checkObjectName(name); err != nil {
		return "", err
	}
	return d.cfg.Prefix + name, nil
}

// Put uploads in one request, or in parts above 16 MiB; either way S3
// shows the object only once it is whole. The reader is held to size
// bytes exactly, so a short or long reader fails the upload before it
// completes instead of storing the wrong object.
func (d *s3Dest) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	key, err := d.key(name)
	if err != nil {
		return err
	}
	src := io.Reader(&ctxReader{ctx: ctx, r: r})
	opts := minio.PutObjectOptions{ContentType: "application/octet-stream"}
	if size >= 0 {
		src = &exactReader{r: src, left: size, size: size}
	} else {
		opts.PartSize = s3PartSize
	}
	if _, err := d.client.PutObject(ctx, d.cfg.Bucket, key, src, size, opts); err != nil {
		return fmt.Errorf("%s: put %s: %w", d, name, err)
	}
	return nil
}

func (d *s3Dest) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	key, err := d.key(name)
	if err != nil {
		return nil, err
	}
	obj, err := d.client.GetObject(ctx, d.cfg.Bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: get %s: %w", d, name, err)
	}
	// GetObject is lazy: Stat sends the request and tells a missing key.
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, fmt.Errorf("%s: %s: %w", d, name, ErrNotExist)
		}
		return nil, fmt.Errorf("%s: get %s: %s", d, name, explainS3(err))
	}
	return obj, nil
}

// List returns the objects right under the prefix: deeper "folders" are
// other destinations' business.
func (d *s3Dest) List(ctx context.Context) ([]Object, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio-go's listing goroutine on an early return
	var out []Object
	for o := range d.client.ListObjects(ctx, d.cfg.Bucket, minio.ListObjectsOptions{Prefix: d.cfg.Prefix}) {
		if o.Err != nil {
			return nil, fmt.Errorf("%s: list: %s", d, explainS3(o.Err))
		}
		name := strings.TrimPrefix(o.Key, d.cfg.Prefix)
		if name == "" || strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
			continue
		}
		out = append(out, Object{Name: name, Size: o.Size, Modified: o.LastModified.UTC()})
	}
	return out, nil
}

func (d *s3Dest) Delete(ctx context.Context, name string) error {
	key, err := d.key(name)
	if err != nil {
		return err
	}
	err = d.client.RemoveObject(ctx, d.cfg.Bucket, key, minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchKey {
		return fmt.Errorf("%s: delete %s: %s", d, name, explainS3(err))
	}
	return nil
}

func (d *s3Dest) Close() error {
	d.transport.CloseIdleConnections()
	return nil
}

// checkObjectName accepts what Destination promises: a plain file name.
// A name starting with a dot is refused too: those are the temporary
// files of an upload under way, which List does not show.
func checkObjectName(name string) error {
	if name == "" || strings.ContainsAny(name, "/\\\x00") || strings.HasPrefix(name, ".") {
		return fmt.Errorf("backup: bad object name %q: a plain file name, without '/' or '\\', not starting with '.'", name)
	}
	return nil
}

// exactReader passes on exactly size bytes of r and fails otherwise. It
// checks for a byte too many before handing over the last ones, so that
// the uploader sees the error while the upload is still incomplete.
type exactReader struct {
	r          io.Reader
	left, size int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if e.left == 0 {
		var extra [1]byte
		if m, _ := io.ReadFull(e.r, extra[:]); m > 0 {
			return 0, fmt.Errorf("the reader has more than the %d bytes announced", e.size)
		}
		return n, io.EOF
	}
	if err == io.EOF {
		return n, fmt.Errorf("%d bytes instead of %d: %w", e.size-e.left, e.size, io.ErrUnexpectedEOF)
	}
	return n, err
}
