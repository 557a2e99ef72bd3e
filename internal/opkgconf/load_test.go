package opkgconf

import (
	"errors"
	"io/fs"
	"reflect"
	"testing"
	"testing/fstest"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func feedNames(c *Config) []string {
	var n []string
	for _, f := range c.Feeds {
		n = append(n, f.Name)
	}
	return n
}

func archLines(c *Config) []string {
	var n []string
	for _, a := range c.Architectures() {
		n = append(n, "arch "+a.Name+" "+a.PriorityText)
	}
	return n
}

// A system with both layouts and an offline image under /img.
func testFS() fstest.MapFS {
	return fstest.MapFS{
		"etc/opkg.conf":             file("src/gz main http://main\ndest root /\nlists_dir ext /var/opkg-lists\n"),
		"etc/opkg/b.conf":           file("src/gz b http://b\n"),
		"etc/opkg/a.conf":           file("src/gz a http://a\n"),
		"etc/opkg/.hidden.conf":     file("src/gz hidden http://h\n"),
		"etc/opkg/notes.txt":        file("src/gz txt http://t\n"),
		"etc/opkg/dir.conf/x":       file("src/gz indir http://i\n"),
		"etc/opkg/keys/abc":         file("untrusted comment: x\n"),
		"img/etc/opkg.conf":         file("src/gz imgmain http://im\ndest root /\n"),
		"img/etc/opkg/feeds.conf":   file("src/gz imgfeed http://if\n"),
		"alt/opkg/only.conf":        file("src/gz alt http://alt\n"),
		"home/u/my.conf":            file("src/gz mine http://mine\n"),
		"moved/etc/opkg/moved.conf": file("src/gz moved http://m\n"),
		"rooted.conf":               file("option offline_root /moved\n"),
	}
}

// Which files are read follows opkg-lede's opkg_conf_load and args_parse.
func TestLoadChoosesFilesLikeLede(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sel       Selection
		wantFiles []string
		wantFeeds []string
	}{
		{"default: /etc/opkg.conf then /etc/opkg/*.conf in name order, no hidden files, no directories",
			Selection{},
			[]string{"/etc/opkg.conf", "/etc/opkg/a.conf", "/etc/opkg/b.conf"},
			[]string{"main", "a", "b"}},
		{"-f file replaces /etc/opkg.conf, the glob stays",
			Selection{ConfFile: "/home/u/my.conf"},
			[]string{"/home/u/my.conf", "/etc/opkg/a.conf", "/etc/opkg/b.conf"},
			[]string{"mine", "a", "b"}},
		{"-f naming a glob match reads it once",
			Selection{ConfFile: "/etc/opkg/b.conf"},
			[]string{"/etc/opkg/b.conf", "/etc/opkg/a.conf"},
			[]string{"b", "a"}},
		{"relative -f resolves against WorkDir",
			Selection{ConfFile: "opkg/b.conf", WorkDir: "/etc"},
			[]string{"opkg/b.conf", "/etc/opkg/a.conf"},
			[]string{"b", "a"}},
		{"-o ROOT alone reads only ROOT/etc/opkg/*.conf, not ROOT/etc/opkg.conf",
			Selection{OfflineRoot: "/img"},
			[]string{"/img/etc/opkg/feeds.conf"},
			[]string{"imgfeed"}},
		{"-o ROOT -f ROOT/etc/opkg.conf, as OpenWrt's image builder calls it",
			Selection{OfflineRoot: "/img", ConfFile: "/img/etc/opkg.conf"},
			[]string{"/img/etc/opkg.conf", "/img/etc/opkg/feeds.conf"},
			[]string{"imgmain", "imgfeed"}},
		{"$OFFLINE_ROOT still reads the host's /etc/opkg.conf, then ROOT's glob",
			Selection{OfflineRootEnv: "/img"},
			[]string{"/etc/opkg.conf", "/img/etc/opkg/feeds.conf"},
			[]string{"main", "imgfeed"}},
		{"$OPKG_CONF_DIR moves the glob",
			Selection{ConfDir: "/alt/opkg"},
			[]string{"/etc/opkg.conf", "/alt/opkg/only.conf"},
			[]string{"main", "alt"}},
		{"-o ignores $OPKG_CONF_DIR",
			Selection{OfflineRoot: "/img", ConfDir: "/alt/opkg"},
			[]string{"/img/etc/opkg/feeds.conf"},
			[]string{"imgfeed"}},
		{"option offline_root in the -f file moves the glob (lede reads -f first)",
			Selection{ConfFile: "/rooted.conf"},
			[]string{"/rooted.conf", "/moved/etc/opkg/moved.conf"},
			[]string{"moved"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, warns, err := Load(testFS(), tt.sel)
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) != 0 {
				t.Errorf("warnings: %v", warns)
			}
			if !reflect.DeepEqual(cfg.Files, tt.wantFiles) {
				t.Errorf("files %q, want %q", cfg.Files, tt.wantFiles)
			}
			if got := feedNames(cfg); !reflect.DeepEqual(got, tt.wantFeeds) {
				t.Errorf("feeds %q, want %q", got, tt.wantFeeds)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	t.Parallel()
	t.Run("explicit -f missing: lede's stat message", func(t *testing.T) {
		t.Parallel()
		_, _, err := Load(testFS(), Selection{ConfFile: "/nope.conf"})
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v", err)
		}
		if got, want := err.Error(), "Couldn't stat /nope.conf: No such file or directory."; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		if fe.Func() != "opkg_conf_load" {
			t.Errorf("Func %q", fe.Func())
		}
	})
	t.Run("default /etc/opkg.conf missing is tolerated (Yocto layout)", func(t *testing.T) {
		t.Parallel()
		fsys := fstest.MapFS{"etc/opkg/opkg.conf": file("dest root /\n")}
		cfg, _, err := Load(fsys, Selection{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(cfg.Files, []string{"/etc/opkg/opkg.conf"}) {
			t.Errorf("files %q", cfg.Files)
		}
	})
	t.Run("oversized file", func(t *testing.T) {
		t.Parallel()
		fsys := fstest.MapFS{"etc/opkg/big.conf": &fstest.MapFile{Data: make([]byte, MaxFileSize+1)}}
		_, _, err := Load(fsys, Selection{})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no configuration at all still gives a usable config", func(t *testing.T) {
		t.Parallel()
		cfg, warns, err := Load(fstest.MapFS{}, Selection{PkgArch: "mipsel_24kc"})
		if err != nil || len(warns) != 0 {
			t.Fatal(err, warns)
		}
		if d, _ := cfg.DefaultDest(""); d.Name != "root" || d.Path != "/" {
			t.Errorf("default dest %+v", d)
		}
		if got, want := archLines(cfg), []string{"arch all 1", "arch noarch 1", "arch mipsel_24kc 10"}; !reflect.DeepEqual(got, want) {
			t.Errorf("arches %q, want lede's defaults %q", got, want)
		}
	})
}

func TestLoadWarningsCarryFileAndLine(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"etc/opkg.conf":   file("src/gz a http://a\n"),
		"etc/opkg/x.conf": file("# dup\nsrc/gz a http://other\nbad line here too much\n"),
	}
	_, warns, err := Load(fsys, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Warning{
		{File: "/etc/opkg/x.conf", Line: 2, Level: LevelError, Func: "opkg_conf_parse_file",
			Msg: "Duplicate src declaration (a http://other). Skipping."},
		{File: "/etc/opkg/x.conf", Line: 3, Level: LevelError, Func: "opkg_conf_parse_file",
			Msg: "/etc/opkg/x.conf:3: Ignoring config line with trailing garbage: `bad line here too much'"},
	}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("got  %+v\nwant %+v", warns, want)
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"etc/opkg.conf": file("dest root /\ndest ram /tmp\narch all 1\narch x86_64 10\n" +
			"option force_depends\noption tmp_dir /var/tmp\noption verbosity 3\nlists_dir ext /var/opkg-lists\n"),
	}
	var sel Selection
	for _, spec := range []string{"mine:20", "all:7"} {
		if err := sel.AddArch(spec); err != nil {
			t.Fatal(err)
		}
	}
	if err := sel.AddDest("usb:/mnt/usb"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"nocolon", ":5", "x:"} {
		if sel.AddArch(bad) == nil || sel.AddDest(bad) == nil {
			t.Errorf("malformed %q accepted", bad)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sel.SetOption("force_depends", ""))
	must(sel.SetOption("tmp_dir", "/cli/tmp"))
	if sel.SetOption("force_removal_of_dependent_packages", "") == nil || sel.SetOption("cache", "") == nil {
		t.Error("SetOption accepted a non-option or a missing value")
	}
	sel.ListsDir = "/cli/lists"

	cfg, warns, err := Load(fsys, sel)
	if err != nil {
		t.Fatal(err)
	}
	// lede args_parse appends --add-arch/--add-dest before any file is read:
	// they come first, and being present they keep the defaults out.
	if got, want := archLines(cfg), []string{"arch mine 20", "arch all 7", "arch all 1", "arch x86_64 10"}; !reflect.DeepEqual(got, want) {
		t.Errorf("print-architecture order %q, want %q", got, want)
	}
	if p, _ := cfg.ArchPriority("all"); p != 7 {
		t.Errorf("all priority %d: the command line's (first) entry counts", p)
	}
	if d, _ := cfg.DefaultDest(""); d.Name != "usb" {
		t.Errorf("default dest %q: the first dest (--add-dest) is lede's default", d.Name)
	}
	if _, err := cfg.DefaultDest("nope"); err == nil || err.Error() != "Unknown dest name: `nope'." {
		t.Errorf("DefaultDest(nope) = %v", err)
	}
	if d, err := cfg.DefaultDest("ram"); err != nil || d.Path != "/tmp" {
		t.Errorf("DefaultDest(ram) = %+v, %v", d, err)
	}
	// The command line set these first, so lede complains about the file.
	wantMsgs := []string{
		"Duplicate boolean option force_depends, leaving this option on.",
		`Duplicate option tmp_dir, using first seen value "/cli/tmp".`,
	}
	var msgs []string
	for _, w := range warns {
		msgs = append(msgs, w.Msg)
	}
	if !reflect.DeepEqual(msgs, wantMsgs) {
		t.Errorf("warnings %q, want %q", msgs, wantMsgs)
	}
	if cfg.TmpDirBase("/envtmp") != "/cli/tmp" || cfg.Verbosity() != 3 {
		t.Errorf("tmp %q verbosity %d", cfg.TmpDirBase("/envtmp"), cfg.Verbosity())
	}
	if cfg.ListsDir() != "/cli/lists" {
		t.Errorf("ListsDir %q: -l wins over the lists_dir line", cfg.ListsDir())
	}
}

// opkg-lede prefixes the offline root to dests ("%s%s"), lists_dir and the
// lock ("%s/%s"), never to tmp_dir; paths are spelled exactly as lede builds
// them.
func TestOfflineRootPaths(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"img/etc/opkg.conf": file("dest root /\ndest ram /tmp\nlists_dir ext /var/opkg-lists\noption tmp_dir /var/tmp\noption offline_root /other\n"),
	}
	cfg, warns, err := Load(fsys, Selection{OfflineRoot: "/img", ConfFile: "/img/etc/opkg.conf"})
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || warns[0].Msg != `Duplicate option offline_root, using first seen value "/img".` {
		t.Errorf("warnings %v", warns)
	}
	tests := []struct{ what, got, want string }{
		{"ListsDir", cfg.ListsDir(), "/img//var/opkg-lists"},
		{"LockPath", cfg.LockPath(), "/img//var/lock/opkg.lock"},
		{"TmpDirBase", cfg.TmpDirBase(""), "/var/tmp"},
		{"VerifyProgram", cfg.VerifyProgram(), "/usr/sbin/opkg-key"},
	}
	root, _ := cfg.DestRoot("root")
	ram, _ := cfg.DestRoot("ram")
	status, _ := cfg.StatusFile("ram")
	info, _ := cfg.InfoDir("root")
	tests = append(tests,
		struct{ what, got, want string }{"DestRoot(root)", root, "/img/"},
		struct{ what, got, want string }{"DestRoot(ram)", ram, "/img/tmp/"},
		struct{ what, got, want string }{"StatusFile(ram)", status, "/img/tmp//usr/lib/opkg/status"},
		struct{ what, got, want string }{"InfoDir(root)", info, "/img//usr/lib/opkg/info"},
	)
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.what, tt.got, tt.want)
		}
	}
	if _, ok := cfg.DestRoot("nope"); ok {
		t.Error("DestRoot of an unknown dest")
	}

	plain, _, err := Load(fstest.MapFS{}, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if plain.ListsDir() != "/usr/lib/opkg/lists" || plain.LockPath() != "/var/lock/opkg.lock" || plain.TmpDirBase("/t") != "/t" || plain.TmpDirBase("") != "/tmp" {
		t.Errorf("defaults: %q %q %q", plain.ListsDir(), plain.LockPath(), plain.TmpDirBase(""))
	}
}

func TestUpstreamListsDirOption(t *testing.T) {
	t.Parallel()
	cfg, _, err := Load(fstest.MapFS{"etc/opkg/opkg.conf": file("option lists_dir /var/lib/opkg/lists\n")}, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ListsDir() != "/var/lib/opkg/lists" {
		t.Errorf("ListsDir %q", cfg.ListsDir())
	}
	cfg, _, _ = Load(fstest.MapFS{"etc/opkg/opkg.conf": file("option lists_dir /a\nlists_dir x /b\n")}, Selection{})
	if cfg.ListsDir() != "/b" {
		t.Errorf("ListsDir %q: lede's lists_dir line wins over upstream's option", cfg.ListsDir())
	}
}

// deniedDirFS refuses to open one directory, as a permission problem would.
type deniedDirFS struct {
	files fstest.MapFS // not embedded: its ReadDir would bypass Open
	dir   string
}

func (d deniedDirFS) Open(name string) (fs.File, error) {
	if name == d.dir {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.files.Open(name)
}

// lede's glob_errfunc reports an unreadable directory and loading goes on.
func TestLoadUnreadableConfDir(t *testing.T) {
	t.Parallel()
	fsys := deniedDirFS{fstest.MapFS{"etc/opkg.conf": file("src/gz a http://a\n"), "etc/opkg/x.conf": file("")}, "etc/opkg"}
	cfg, warns, err := Load(fsys, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Warning{{Level: LevelError, Func: "glob_errfunc", Msg: "glob failed for /etc/opkg: Permission denied"}}
	if !reflect.DeepEqual(warns, want) || len(cfg.Feeds) != 1 {
		t.Errorf("warnings %+v, feeds %d", warns, len(cfg.Feeds))
	}
}

func TestVerbosity(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"etc/opkg.conf": file("option verbosity 3\n")}
	tests := []struct {
		name  string
		flag  string // -V value, "" when absent
		want  int
		warns int
	}{
		{"file applies without -V (lede: always a Duplicate error)", "", 3, 0},
		{"-V wins and the file gets lede's duplicate message", "0", 0, 1},
	}
	for _, tt := range tests {
		var sel Selection
		if tt.flag != "" {
			if err := sel.SetOption("verbosity", tt.flag); err != nil {
				t.Fatal(err)
			}
		}
		cfg, warns, err := Load(fsys, sel)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Verbosity() != tt.want || len(warns) != tt.warns {
			t.Errorf("%s: verbosity %d warnings %v", tt.name, cfg.Verbosity(), warns)
		}
	}
	if v := (&Config{}).Verbosity(); v != DefaultVerbosity {
		t.Errorf("default verbosity %d", v)
	}
}
