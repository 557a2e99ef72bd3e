package ipk

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Compression names the compression of a member, detected from its first
// bytes; the member's name is only a hint and is not trusted.
type Compression int

// The compressions the reader knows.
const (
	CompressNone Compression = iota
	CompressGzip
	CompressXz
	CompressZstd
	CompressBzip2
	CompressLz4 // recognised to say so clearly; not supported
)

func (c Compression) String() string {
	switch c {
	case CompressNone:
		return "none"
	case CompressGzip:
		return "gzip"
	case CompressXz:
		return "xz"
	case CompressZstd:
		return "zstd"
	case CompressBzip2:
		return "bzip2"
	case CompressLz4:
		return "lz4"
	}
	return fmt.Sprintf("Compression(%d)", int(c))
}

var (
	magicGzip  = []byte{0x1f, 0x8b}
	magicXz    = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	magicZstd  = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicBzip2 = []byte("BZh")
	magicLz4   = []byte{0x04, 0x22, 0x4d, 0x18}
)

func detectCompression(head []byte) Compression {
	switch {
	case bytes.HasPrefix(head, magicGzip):
		return CompressGzip
	case bytes.HasPrefix(head, magicXz):
		return CompressXz
	case bytes.HasPrefix(head, magicZstd):
		return CompressZstd
	case bytes.HasPrefix(head, magicBzip2):
		return CompressBzip2
	case bytes.HasPrefix(head, magicLz4):
		return CompressLz4
	}
	return CompressNone
}

// decompressor is a decompressed view of a member. finish is called once the
// caller has read what it wants: it reads to the end of the compressed stream
// (so that gzip and xz verify their checksums) and then checks that the raw
// member holds nothing but zero bytes after it.
type decompressor struct {
	io.Reader
	kind  Compression
	raw   *bufio.Reader
	close func()
}

func (d *decompressor) Close() {
	if d.close != nil {
		d.close()
		d.close = nil
	}
}

// newDecompressor sniffs raw and returns a reader of its decompressed bytes.
// A gzip decompressor comes from b (nil: a new one).
func newDecompressor(raw *bufio.Reader, lim Limits, b *Buffers) (*decompressor, error) {
	if b == nil {
		b = &Buffers{}
	}
	head, _ := raw.Peek(8)
	d := &decompressor{kind: detectCompression(head), raw: raw}
	switch d.kind {
	case CompressNone:
		d.Reader = raw
	case CompressGzip:
		// raw is an io.ByteReader, so gzip reads no byte past its stream and
		// the bytes after it can be checked.
		z, err := reuseGzip(&b.inner, raw)
		if err != nil {
			return nil, err
		}
		z.Multistream(false)
		d.Reader = z
	case CompressXz:
		if err := checkXzDictionary(raw, lim.MaxDictionary); err != nil {
			return nil, err
		}
		z, err := xz.ReaderConfig{SingleStream: false}.NewReader(raw)
		if err != nil {
			return nil, err
		}
		d.Reader = z
	case CompressZstd:
		window := uint64(max(lim.MaxDictionary, 1<<10)) // the decoder's minimum
		z, err := zstd.NewReader(raw,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(window),
			zstd.WithDecoderMaxMemory(window))
		if err != nil {
			return nil, err
		}
		d.Reader = z
		d.close = z.Close
	case CompressBzip2:
		d.Reader = bzip2.NewReader(raw)
	case CompressLz4:
		return nil, errUnsupportedCompression
	}
	return d, nil
}

var errUnsupportedCompression = fmt.Errorf("lz4 is not supported")

// errDictionary reports an xz dictionary over Limits.MaxDictionary.
type errDictionary struct{ size, limit int64 }

func (e *errDictionary) Error() string {
	return fmt.Sprintf("xz dictionary of %d bytes over the limit of %d", e.size, e.limit)
}

// checkXzDictionary reads the LZMA2 dictionary size from the first block
// header of an xz stream: the xz library allocates whatever the header asks
// for (up to 4 GiB), which a router cannot afford. Later blocks are not
// checked; xz(1) writes the same dictionary size into every block.
func checkXzDictionary(raw *bufio.Reader, limit int64) error {
	const streamHeader = 12
	head, _ := raw.Peek(streamHeader + 1024)
	if len(head) <= streamHeader {
		return nil // let the library report the truncation
	}
	blk := head[streamHeader:]
	size := (int(blk[0]) + 1) * 4
	if blk[0] == 0 || size > len(blk) {
		return nil // index (empty stream) or truncated: the library decides
	}
	blk = blk[:size]
	flags := blk[1]
	filters := int(flags&3) + 1
	p := 2
	varint := func() (uint64, bool) {
		var v uint64
		for i := 0; i < 9 && p < len(blk); i++ {
			c := blk[p]
			p++
			v |= uint64(c&0x7f) << (7 * i)
			if c&0x80 == 0 {
				return v, true
			}
		}
		return 0, false
	}
	if flags&0x40 != 0 {
		if _, ok := varint(); !ok {
			return nil
		}
	}
	if flags&0x80 != 0 {
		if _, ok := varint(); !ok {
			return nil
		}
	}
	for range filters {
		id, ok := varint()
		if !ok {
			return nil
		}
		n, ok := varint()
		if !ok || uint64(len(blk)-p) < n {
			return nil
		}
		if id == 0x21 && n == 1 {
			bits := blk[p] & 0x3f
			var dict int64
			switch {
			case bits > 40:
				return nil
			case bits == 40:
				dict = 1<<32 - 1
			default:
				dict = int64(2|bits&1) << (bits/2 + 11)
			}
			if dict > limit {
				return &errDictionary{dict, limit}
			}
		}
		p += int(n)
	}
	return nil
}

// finish drains the decompressed stream (which must hold only zero bytes, at
// most maxZeros of them, past what the caller consumed) and then the raw
// member (same rule). The caller has consumed everything it wanted.
func (d *decompressor) finish(maxZeros int64) error {
	n, err := drainZeros(d.Reader, maxZeros)
	if err != nil {
		return err
	}
	maxZeros -= n
	if d.kind == CompressNone {
		return nil
	}
	_, err = drainZeros(d.raw, maxZeros)
	return err
}

// errTrailing reports non-zero bytes, or more than the allowed zero bytes,
// after the end of an archive or compressed stream.
type errTrailing struct{ nonZero bool }

func (e *errTrailing) Error() string {
	if e.nonZero {
		return "non-zero bytes after the end"
	}
	return "too many zero bytes after the end"
}

// drainZeros reads r to its end and reports how many bytes it read, or an
// *errTrailing if any is non-zero or there are more than max.
func drainZeros(r io.Reader, max int64) (int64, error) {
	var buf [4096]byte
	var total int64
	for {
		n, err := r.Read(buf[:])
		for _, c := range buf[:n] {
			if c != 0 {
				return total, &errTrailing{nonZero: true}
			}
		}
		total += int64(n)
		if total > max {
			return total, &errTrailing{}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Buffers keeps a Reader's buffers and gzip decompressors for the next one
// to reuse. An install reads each package two or three times, and each
// pass would otherwise allocate about 200 KiB (two read buffers, two gzip
// windows): most of what an install allocates, and on a 64 MB router the
// garbage is what sets the peak. A Buffers serves one Reader at a time:
// starting a Reader with it ends the use of the Reader before.
type Buffers struct {
	src, member  *bufio.Reader
	outer, inner *gzip.Reader
}

func reuseBufio(slot **bufio.Reader, r io.Reader, size int) *bufio.Reader {
	if *slot == nil {
		*slot = bufio.NewReaderSize(r, size)
	} else {
		(*slot).Reset(r)
	}
	return *slot
}

func reuseGzip(slot **gzip.Reader, r io.Reader) (*gzip.Reader, error) {
	if *slot == nil {
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		*slot = z
		return z, nil
	}
	if err := (*slot).Reset(r); err != nil {
		return nil, err
	}
	return *slot, nil
}
