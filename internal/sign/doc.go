// Package sign reads, writes, checks and makes usign/signify Ed25519 keys and
// signatures, the scheme OpenWrt uses to sign feed indexes (Packages.sig) and
// opkg-lede checks through `usign -V`.
//
// # Files
//
// All three kinds of file have the same shape: a line
// `untrusted comment: <text>`, then one line of standard base64 that decodes
// to a fixed-size record beginning with the algorithm "Ed":
//
//	public key  42 bytes  "Ed" | key number (8) | Ed25519 public key (32)
//	signature   74 bytes  "Ed" | key number (8) | Ed25519 signature (64)
//	secret key 104 bytes  "Ed" | "BK" | kdf rounds (4, big endian) | salt (16)
//	                      | checksum (8) | key number (8) | seed+public key (64)
//
// The key number is 8 random bytes chosen when the key pair is generated; it
// is not derived from the key. A signature names the key number that made it,
// which is how a verifier picks the key from a directory (/etc/opkg/keys).
// The checksum of a secret key is the first 8 bytes of SHA-512 over the 64
// key bytes, so a corrupted (or wrongly decrypted) key is detected.
//
// Parsing takes (name, bytes) and follows the more lenient of the two tools
// where they differ and nothing can go wrong by it: like usign, a file may end
// without a newline after the base64 line (keys/5e99c2573f29d764 in the data
// set does) and blank lines may follow it; like signify, the first line must be
// the `untrusted comment: ` line. Every refusal is a *SyntaxError saying which
// file, which line and what is wrong. Files written by this package are what
// signify-openbsd accepts: comment line, base64 line, newline.
//
// # Key ids and key file names
//
// A KeyID is the key number read as a big-endian uint64. Its String is the
// 16 hex digits `usign -F` prints. usign before May 2020 formatted it with
// %PRIx64, dropping leading zeros, both for `-F` and for the key file it looks
// up under `-P`; later usign pads to 16 digits. Devices carry both spellings
// (b26f36ae0f4106d holds key 0b26f36ae0f4106d), so FindKey tries the padded
// name and then the unpadded one (FileName), and checks that the key inside
// really has the id asked for.
//
// # Verification
//
// A signature covers the bytes it was made over: for a feed that is the
// uncompressed Packages, never Packages.gz. Verify refuses a signature whose
// key number differs from the key's (as signify does; usign only relies on
// the file name) before checking the Ed25519 signature. Ed25519 as defined
// needs the whole message before it can be checked (the hash starts with the
// signature's R), and the standard library has no streaming form, so callers
// hand the whole message over.
//
// # Secret keys protected by a passphrase
//
// signify can encrypt a secret key with bcrypt_pbkdf (kdf rounds > 0). usign
// cannot, OpenWrt build systems generate keys without a passphrase, and
// bcrypt_pbkdf is not in Go's standard library, so such keys are refused with
// an *EncryptedKeyError that still tells which key it is.
//
// The package does no I/O: key directories are read through an fs.FS given by
// the caller, and randomness comes from an io.Reader.
package sign
