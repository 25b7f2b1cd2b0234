package web

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipLimiter limits requests per client address with a token bucket each.
// It is per process: behind several instances each enforces its own share,
// and the per-address delays kept in the database (login) are shared.
type ipLimiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newIPLimiter(perMinute, burst int) *ipLimiter {
	return &ipLimiter{every: rate.Limit(float64(perMinute) / 60), burst: burst, buckets: map[string]*bucket{}, swept: time.Now()}
}

// limitKey groups IPv6 addresses by /64: one host usually holds a whole
// /64, so counting addresses one by one would let it through.
func limitKey(ip string) string {
	a := net.ParseIP(ip)
	if a == nil || a.To4() != nil {
		return ip
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// allow reports whether the client at ip may make one more request now.
func (l *ipLimiter) allow(ip string) bool {
	key := limitKey(ip)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.swept) > 10*time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim.Allow()
}
