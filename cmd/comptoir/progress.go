package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// progressBar reads a file and draws how much of it has been read, about
// five times a second, on one terminal line.
type progressBar struct {
	r     io.Reader
	out   io.Writer
	total int64
	read  atomic.Int64
	stop  chan struct{}
	ended chan struct{}
}

func newProgressBar(out io.Writer, f *os.File) *progressBar {
	b := &progressBar{r: f, out: out, stop: make(chan struct{}), ended: make(chan struct{})}
	if info, err := f.Stat(); err == nil {
		b.total = info.Size()
	}
	go b.draw()
	return b
}

func (b *progressBar) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

func (b *progressBar) draw() {
	defer close(b.ended)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-b.stop:
			b.line()
			return
		case <-tick.C:
			b.line()
		}
	}
}

// line draws "[#######.............]  35%  12.1 MB / 34.6 MB".
func (b *progressBar) line() {
	const width = 30
	read := b.read.Load()
	if b.total <= 0 {
		fmt.Fprintf(b.out, "\r%s read", size(read))
		return
	}
	frac := min(float64(read)/float64(b.total), 1)
	full := int(frac * width)
	fmt.Fprintf(b.out, "\r[%s%s] %3.0f%%  %s / %s", strings.Repeat("#", full), strings.Repeat(".", width-full), frac*100, size(read), size(b.total))
}

// done draws the last state and stops drawing.
func (b *progressBar) done() {
	select {
	case <-b.stop:
	default:
		close(b.stop)
		<-b.ended
	}
}

func size(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
