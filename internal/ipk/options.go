package ipk

// Options control what the reader accepts. The zero value is the safe default.
type Options struct {
	// AllowDevices accepts character and block devices and FIFOs in the data
	// archive (opkg installs them; pakt refuses unless asked).
	AllowDevices bool
	// AllowSetuid accepts setuid and setgid bits on files; without it an entry
	// carrying them is refused, not silently stripped, so that nobody installs
	// a package different from the one that was built.
	AllowSetuid bool
	Limits      Limits
	// Buffers, when set, lends the reader buffers and gzip decompressors
	// left by the one before; nil allocates fresh ones.
	Buffers *Buffers
}

// Limits bound what a hostile package can make the reader do. Zero fields
// take the defaults named beside them.
type Limits struct {
	MaxEntries         int   // data tar entries; default 100,000
	MaxFileSize        int64 // one data file; default MaxDataSize
	MaxDataSize        int64 // sum of data file sizes; default 2 GiB
	MaxNameBytes       int64 // sum of entry name lengths (the reader remembers names); default 16 MiB
	MaxControlFileSize int64 // one control member (control, postinst, …); default 1 MiB
	MaxControlSize     int64 // all control members together; default 8 MiB
	MaxDictionary      int64 // xz dictionary / zstd window; default 64 MiB
	MaxTrailingZeros   int64 // zero padding tolerated after an archive's end; default 1 MiB
}

// The defaults of Limits.
const (
	DefaultMaxEntries         = 100_000
	DefaultMaxDataSize        = 2 << 30
	DefaultMaxNameBytes       = 16 << 20
	DefaultMaxControlFileSize = 1 << 20
	DefaultMaxControlSize     = 8 << 20
	DefaultMaxDictionary      = 64 << 20
	DefaultMaxTrailingZeros   = 1 << 20
)

// Both limits of a name: Linux PATH_MAX and NAME_MAX.
const (
	maxPathLen      = 4096
	maxComponentLen = 255
)

// metadataAllowance is the decompressed tar bytes allowed per entry beyond
// its content: header, padding, a GNU long name or a PAX record. It bounds
// the work a decompression bomb of headers or padding can cause.
const metadataAllowance = 16 << 10

func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxDataSize <= 0 {
		l.MaxDataSize = DefaultMaxDataSize
	}
	if l.MaxFileSize <= 0 || l.MaxFileSize > l.MaxDataSize {
		l.MaxFileSize = l.MaxDataSize
	}
	if l.MaxNameBytes <= 0 {
		l.MaxNameBytes = DefaultMaxNameBytes
	}
	if l.MaxControlFileSize <= 0 {
		l.MaxControlFileSize = DefaultMaxControlFileSize
	}
	if l.MaxControlSize <= 0 {
		l.MaxControlSize = DefaultMaxControlSize
	}
	if l.MaxControlFileSize > l.MaxControlSize {
		l.MaxControlFileSize = l.MaxControlSize
	}
	if l.MaxDictionary <= 0 {
		l.MaxDictionary = DefaultMaxDictionary
	}
	if l.MaxTrailingZeros <= 0 {
		l.MaxTrailingZeros = DefaultMaxTrailingZeros
	}
	return l
}

// maxMemberSize bounds the stored (compressed) size of an outer member, so
// that skipping a member is bounded work too.
func (l Limits) maxMemberSize() int64 {
	return l.MaxDataSize + int64(l.MaxEntries)*metadataAllowance
}
