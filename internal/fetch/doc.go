// Package fetch downloads files for pakt: feed indexes now, packages
// later. It is the only package that talks to the network.
//
// Fetch copies one URL into an io.Writer (a pending file under the managed
// root, in practice) and reports progress through a callback; it never
// prints. Schemes are those opkg-lede hands to wget plus its own file:
// copy: http, https, and file: ("file:/x" and "file:///x" are both the local
// path after "file:", percent-decoded, as lede's urldecode_path reads them;
// a relative one is taken from Options.WorkDir). ftp is refused with
// ErrUnsupportedScheme rather than silently fetched some other way.
//
// # What wget did for opkg-lede, done here
//
//   - TLS certificates are verified unless NoCheckCertificate
//     (--no-check-certificate, option no_check_certificate).
//   - Proxies: option http_proxy / https_proxy / no_proxy win (lede exports
//     them into wget's environment), else the environment's http_proxy,
//     https_proxy, no_proxy (lower case first, then upper case). no_proxy is
//     a comma- or space-separated list of host names, domain suffixes
//     (".lan" or "lan") and "*". Unlike Go's default, loopback addresses
//     are proxied when asked: wget does.
//   - Timeout is wget's --timeout, the http_timeout option: the longest
//     the download may make no progress — connecting, the TLS handshake,
//     waiting for the response, and between two reads of the body. A server
//     that stalls is cut off after Timeout, however long the whole
//     download takes; a slow but steady one is not.
//   - The body is taken as sent: no transparent gunzip (Go's transport would
//     undo a "Content-Encoding: gzip" that misconfigured servers put on
//     Packages.gz, and pakt stores the .gz bytes as fetched).
//
// # Limits
//
// Every download has a size limit chosen by the caller (pakt always passes
// one; 0 would mean none): a body above it is cut off and refused
// (*LimitError), a Content-Length above it refused before reading.
// Nothing is buffered here: memory is one 32 KiB copy buffer.
//
// # Errors
//
// Every failure is an *Error naming the URL, with the HTTP status when the
// server answered with one, the local file for file: URLs, and the cause.
// WgetStatus maps it to the exit status wget (and OpenWrt's uclient-fetch)
// would have given, which opkg-lede prints: 4 network failure or timeout,
// 5 TLS verification, 8 an error response from the server, 3 a local
// write error, 1 anything else.
package fetch
