package opkgconf

// OptionKind is how an option's value is read.
type OptionKind uint8

const (
	// Bool options are on when present; the value is ignored
	// ("option check_signature 0" turns signature checking on).
	Bool OptionKind = iota
	// String options need a value.
	String
	// Int options need a value, read like C's atoi.
	Int
)

func (k OptionKind) String() string {
	switch k {
	case String:
		return "string"
	case Int:
		return "int"
	}
	return "bool"
}

// optionSpec describes one option name opkg accepts.
type optionSpec struct {
	kind OptionKind
	// key is the setting the name stores into: opkg-lede's "test" and
	// "noaction" are one setting, so the second of them is a duplicate.
	key string
	// upstream marks names only upstream (Yocto) opkg knows.
	upstream bool
}

// lookupOption returns the spec of an option name, or false. A switch, not a
// map, so the table is constant.
func lookupOption(name string) (optionSpec, bool) {
	switch name {
	// opkg-lede's table (libopkg/opkg_conf.c options[]).
	case "force_defaults", "force_maintainer", "force_depends", "force_overwrite",
		"force_downgrade", "force_reinstall", "force_space", "force_postinstall",
		"force_checksum", "check_signature", "no_check_certificate", "noaction",
		"download_only", "nodeps", "nocase", "query-all", "size", "strip_abi":
		return optionSpec{kind: Bool, key: name}, true
	case "test":
		return optionSpec{kind: Bool, key: "noaction"}, true
	case "cache", "ftp_proxy", "http_proxy", "http_timeout", "https_proxy", "no_proxy",
		"offline_root", "overlay_root", "proxy_passwd", "proxy_user", "tmp_dir",
		"verify_program":
		return optionSpec{kind: String, key: name}, true
	case "verbosity":
		return optionSpec{kind: Int, key: name}, true

	// Upstream opkg's additions (libopkg/opkg_conf.c options[] of 0.6.3),
	// stored so that a Yocto configuration loads without noise.
	case "ignore_maintainer", "ignore_uid", "autoremove", "check_pkg_signature",
		"download_first", "no_install_recommends", "volatile_cache",
		"overwrite_no_owner", "combine", "cache_local_files", "verbose_status_file",
		"compress_list_files", "follow_location", "ssl_dont_verify_peer",
		"ftp_explicit_ssl":
		return optionSpec{kind: Bool, key: name, upstream: true}, true
	case "cache_dir", "intercepts_dir", "lists_dir", "lock_file", "info_dir",
		"status_file", "signature_type", "gpg_dir", "gpg_trust_level", "http_auth",
		"ssl_engine", "ssl_cert", "ssl_cert_type", "ssl_key", "ssl_key_type",
		"ssl_key_passwd", "ssl_ca_file", "ssl_ca_path":
		return optionSpec{kind: String, key: name, upstream: true}, true
	case "connect_timeout_ms", "transfer_timeout_ms":
		return optionSpec{kind: Int, key: name, upstream: true}, true
	}
	return optionSpec{}, false
}

// atoi reads a number the way C's atoi does: leading white space, an
// optional sign, then decimal digits up to the first other byte; no digits
// is 0. Saturates instead of overflowing.
func atoi(s string) int {
	return int(strtol(s, 10))
}

// strtol reads a number the way C's strtol does with the given base (0: a
// "0x" prefix means hex, a leading "0" octal, else decimal). Saturates at
// the int32 range, which is what an int holds on every opkg target.
func strtol(s string, base int) int64 {
	const maxVal, minVal = 1<<31 - 1, -1 << 31
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 0 {
		switch {
		case i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') &&
			i+2 < len(s) && digitValue(s[i+2]) < 16:
			base, i = 16, i+2
		case i < len(s) && s[i] == '0':
			base = 8
		default:
			base = 10
		}
	}
	var n int64
	for ; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			break
		}
		if n <= maxVal {
			n = n*int64(base) + int64(d)
		}
	}
	if neg {
		n = -n
	}
	return max(min(n, maxVal), minVal)
}

func digitValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}
