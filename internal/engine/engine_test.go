package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"pakt/internal/realdata"
	"pakt/internal/version"
)

// emptyRoot is a machine without any opkg configuration.
var emptyRoot = System{Files: fstest.MapFS{}, Dir: "/"}

func TestCompareVersions(t *testing.T) {
	t.Parallel()
	e := New(emptyRoot, Options{})
	tests := []struct {
		v1, op, v2 string
		holds      bool
	}{
		{"1.0", "<<", "2.0", true},
		{"2.0", "<<", "2.0", false},
		{"2.0", "<=", "2.0", true},
		{"2.0", "=", "2.0", true},
		{"2.0-1", "=", "2.0", false},
		{"2.0", ">=", "2.1", false},
		{"2.1", ">>", "2.0", true},
		// opkg-lede pkg_version_satisfied: legacy < and > are <= and >=.
		{"2.0", "<", "2.0", true},
		{"2.0", ">", "2.0", true},
		{"1.0~rc1", "<<", "1.0", true},
		{"1:0.1", ">>", "9.9", true},
	}
	for _, tt := range tests {
		got, err := e.CompareVersions(context.Background(), []string{tt.v1, tt.op, tt.v2})
		if err != nil || got.Holds != tt.holds {
			t.Errorf("%s %s %s = %+v, %v; want %v", tt.v1, tt.op, tt.v2, got, err, tt.holds)
		}
	}
}

func TestCompareVersionsErrors(t *testing.T) {
	t.Parallel()
	e := New(emptyRoot, Options{})
	for _, op := range []string{"!=", "==", "", "<<=", "lt"} {
		_, err := e.CompareVersions(context.Background(), []string{"1", op, "2"})
		var unknown *UnknownOperatorError
		if !errors.As(err, &unknown) || unknown.Op != op {
			t.Errorf("op %q: err = %v, want *UnknownOperatorError", op, err)
		}
		var opErr *version.OpError
		if !errors.As(err, &opErr) {
			t.Errorf("op %q: cause lost: %v", op, err)
		}
	}
	for _, args := range [][]string{{}, {"1"}, {"1", "<<"}, {"1", "<<", "2", "3"}} {
		_, err := e.CompareVersions(context.Background(), args)
		var usage *CompareVersionsUsageError
		if !errors.As(err, &usage) || usage.Args != len(args) {
			t.Errorf("%q: err = %v, want *CompareVersionsUsageError", args, err)
		}
	}
}

func TestArchitectures(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"etc/opkg.conf":            {Data: []byte("arch main 5\ndest root /\n")},
		"etc/opkg/a.conf":          {Data: []byte("arch all 1\n")},
		"etc/opkg/b.conf":          {Data: []byte("arch nopriority\n")},
		"srv/root/etc/opkg/x.conf": {Data: []byte("arch offline 0x10\n")},
		"srv/root/etc/opkg.conf":   {Data: []byte("arch never 1\n")},
		"work/my.conf":             {Data: []byte("arch mine 2\n")},
	}
	tests := []struct {
		name   string
		env    map[string]string
		opts   Options
		arches []Arch
		msgs   []Message
	}{
		{
			name:   "running system: opkg.conf, then etc/opkg/*.conf",
			arches: []Arch{{"main", "5"}, {"all", "1"}, {"nopriority", "10"}},
			msgs:   []Message{{Level: Notice, Text: "No priority given for architecture nopriority,defaulting to 10"}},
		},
		{
			name:   "--add-arch comes first",
			opts:   Options{AddArch: []string{"cli:7"}},
			arches: []Arch{{"cli", "7"}, {"main", "5"}, {"all", "1"}, {"nopriority", "10"}},
			msgs:   []Message{{Level: Notice, Text: "No priority given for architecture nopriority,defaulting to 10"}},
		},
		{
			name:   "-o reads only ROOT/etc/opkg/*.conf",
			opts:   Options{OfflineRoot: "/srv/root"},
			arches: []Arch{{"offline", "0x10"}},
		},
		{
			// lede defaults -f to /etc/opkg.conf in args_parse, before
			// opkg_conf_load reads $OFFLINE_ROOT: both are read.
			name:   "OFFLINE_ROOT when -o is absent",
			env:    map[string]string{"OFFLINE_ROOT": "/srv/root"},
			arches: []Arch{{"main", "5"}, {"offline", "0x10"}},
		},
		{
			name:   "relative -f from the working directory",
			opts:   Options{ConfFile: "my.conf", OfflineRoot: "/srv/root"},
			arches: []Arch{{"mine", "2"}, {"offline", "0x10"}},
		},
		{
			name:   "malformed --add-arch is reported and skipped",
			opts:   Options{AddArch: []string{"bad"}, OfflineRoot: "/srv/root"},
			arches: []Arch{{"offline", "0x10"}},
			msgs:   []Message{{Level: Error, Func: "args_parse", Text: `--add-arch "bad": want <arch>:<priority>`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sys := System{Files: files, Dir: "/work", Getenv: func(k string) string { return tt.env[k] }}
			got, err := New(sys, tt.opts).Architectures(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Arches, tt.arches) {
				t.Errorf("arches = %v, want %v", got.Arches, tt.arches)
			}
			if !reflect.DeepEqual(got.Messages, tt.msgs) {
				t.Errorf("messages = %+v, want %+v", got.Messages, tt.msgs)
			}
		})
	}
}

func TestArchitecturesErrors(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{"etc/opkg.conf": {Data: []byte("dest root /\n")}}
	for name, opts := range map[string]Options{
		"missing -f":   {ConfFile: "/nowhere.conf"},
		"unknown dest": {Dest: "usb"},
	} {
		_, err := New(System{Files: files, Dir: "/"}, opts).Architectures(context.Background())
		var reported interface{ Func() string }
		if !errors.As(err, &reported) {
			t.Errorf("%s: err = %v, want an error that names its opkg function", name, err)
		}
	}
}

// TestNotImplemented: stubs say which command they are.
func TestNotImplemented(t *testing.T) {
	t.Parallel()
	err := New(emptyRoot, Options{}).Export(context.Background(), []string{"x"})
	var ni *NotImplementedError
	if !errors.As(err, &ni) || ni.Command != "export" {
		t.Errorf("Export: %v", err)
	}
}

// TestCompareVersionsReadsConfiguration: opkg-lede loads the configuration
// before any command (src/opkg-cl.c main), compare-versions included.
func TestCompareVersionsReadsConfiguration(t *testing.T) {
	t.Parallel()
	sys := System{Files: fstest.MapFS{"etc/opkg.conf": {Data: []byte("bogus line here\n")}}, Dir: "/"}
	got, err := New(sys, Options{}).CompareVersions(context.Background(), []string{"1", "<<", "2"})
	if err != nil || !got.Holds || len(got.Messages) != 1 || got.Messages[0].Level != Error {
		t.Errorf("got %+v, %v; want holds and one configuration error", got, err)
	}
	_, err = New(sys, Options{ConfFile: "/missing.conf"}).CompareVersions(context.Background(), []string{"1", "<<", "2"})
	if err == nil {
		t.Error("a missing -f file must fail compare-versions too")
	}
}

// TestVerbosity: -V wins; without it the configuration's "option verbosity"
// applies once read; else NOTICE.
func TestVerbosity(t *testing.T) {
	t.Parallel()
	sys := System{Files: fstest.MapFS{"etc/opkg.conf": {Data: []byte("option verbosity 3\n")}}, Dir: "/"}
	for _, tt := range []struct {
		opts          Options
		before, after Verbosity
	}{
		{Options{}, Notice, Debug},
		{Options{Verbosity: Error, VerbositySet: true}, Error, Error},
		{Options{Verbosity: Info, VerbositySet: true}, Info, Info},
	} {
		e := New(sys, tt.opts)
		before := e.Verbosity()
		if _, err := e.Architectures(context.Background()); err != nil {
			t.Fatal(err)
		}
		if before != tt.before || e.Verbosity() != tt.after {
			t.Errorf("%+v: verbosity %d then %d, want %d then %d", tt.opts, before, e.Verbosity(), tt.before, tt.after)
		}
	}
}

func TestDistribArch(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"DISTRIB_ID='OpenWrt'\nDISTRIB_ARCH='mipsel_24kc'\n": "mipsel_24kc",
		"DISTRIB_ARCH=\"aarch64_cortex-a53\"":                "aarch64_cortex-a53",
		"  DISTRIB_ARCH=x86_64  ":                            "x86_64",
		"DISTRIB_ARCH=''":                                    "",
		"DISTRIB_ARCH='$(rm -rf /)'":                         "",
		"DISTRIB_TARGET='x86/64'":                            "",
		"":                                                   "",
	} {
		if got := distribArch(strings.NewReader(in)); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// TestArchitecturesOnRealRootfs: an OpenWrt root configures no arch; the
// defaults include its package architecture, as opkg-lede built for it
// prints them (all 1, noarch 1, <pkgarch> 10).
func TestArchitecturesOnRealRootfs(t *testing.T) {
	t.Parallel()
	rootfs := filepath.Join(realdata.Dir(t), "status", "openwrt-23.05-snapshot-x86_64-trillaman", "rootfs")
	sys := System{Files: os.DirFS("/"), Dir: "/"}
	got, err := New(sys, Options{OfflineRoot: rootfs}).Architectures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []Arch{{"all", "1"}, {"noarch", "1"}, {"x86_64", "10"}}
	if !reflect.DeepEqual(got.Arches, want) {
		t.Errorf("arches = %v, want %v", got.Arches, want)
	}
}
