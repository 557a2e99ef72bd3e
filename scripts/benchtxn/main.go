//go:build ignore

// benchtxn is the Go half of scripts/bench-txn, which measures what pakt's
// transactions cost against a floor. It has no dependencies beyond the
// standard library so that a fresh machine with only Go can run it:
//
//	benchtxn gen -out DIR -n 50 -roots a,b Packages...
//	    picks n packages of real Packages indexes (the dependency closure
//	    of the roots, in visiting order) and writes two versions of each
//	    as `pakt build` input under DIR/v1 and DIR/v2: files totalling the
//	    package's Installed-Size (incompressible bytes; conffiles are
//	    text), at the paths a real device lists for the package when -lists
//	    names its info/ directory, Depends kept where they name a package
//	    of the set. DIR/names lists the packages.
//	benchtxn floor -reps 3 -out results.tsv SRC1 SRC2 DIR
//	    the floor: writes SRC1's files into the fresh DIR as a careful
//	    program would (temporary name, write, fsync, rename; one fsync per
//	    file), then SRC2's over them, then removes them (unlink, one fsync
//	    per directory); best wall time of reps runs.
//	benchtxn run -out results.tsv -key K -log FILE -- cmd args...
//	    runs a command and records its wall time and peak RSS (the
//	    child's rusage, so no /usr/bin/time is needed).
//	benchtxn strace -out results.tsv -key K TRACE
//	    reads `strace -f -y -s 0` output and records the sync calls and
//	    the bytes written to files.
//	benchtxn report results.tsv
//	    prints the table: best of the runs per key, against the floor.
//
// It is a measuring script, not part of pakt: it is built with
// `go build scripts/benchtxn/main.go` and kept out of `go build ./...` by
// its build tag.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtxn gen|floor|run|strace|report ...")
		os.Exit(2)
	}
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "gen":
		err = gen(args)
	case "floor":
		err = floor(args)
	case "run":
		err = run(args)
	case "strace":
		err = straceSum(args)
	case "report":
		err = report(args)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtxn:", err)
		os.Exit(1)
	}
}

// stanza is the part of a Packages stanza the generator uses.
type stanza struct {
	name, version, depends, provides string
	size                             int64
}

func readIndex(path string, into map[string]*stanza, provides map[string]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, block := range strings.Split(string(data), "\n\n") {
		s := &stanza{}
		for _, line := range strings.Split(block, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok || strings.HasPrefix(line, " ") {
				continue
			}
			v = strings.TrimSpace(v)
			switch k {
			case "Package":
				s.name = v
			case "Version":
				s.version = v
			case "Depends":
				s.depends = v
			case "Provides":
				s.provides = v
			case "Installed-Size":
				s.size, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		if s.name == "" {
			continue
		}
		if _, dup := into[s.name]; !dup {
			into[s.name] = s
		}
		for _, p := range strings.FieldsFunc(s.provides, func(r rune) bool { return r == ',' || r == ' ' }) {
			if _, dup := provides[p]; !dup {
				provides[p] = s.name
			}
		}
	}
	return nil
}

func depNames(s *stanza) []string {
	var out []string
	for _, d := range strings.Split(s.depends, ",") {
		if f := strings.Fields(d); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

func gen(args []string) error {
	fl := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := fl.String("out", "", "output directory")
	n := fl.Int("n", 50, "number of packages")
	roots := fl.String("roots", "luci", "comma-separated packages whose closure is taken")
	lists := fl.String("lists", "", "a device's info directory: <pkg>.list and <pkg>.conffiles give the files")
	if err := fl.Parse(args); err != nil {
		return err
	}
	pkgs := map[string]*stanza{}
	provides := map[string]string{}
	for _, f := range fl.Args() {
		if err := readIndex(f, pkgs, provides); err != nil {
			return err
		}
	}
	resolve := func(name string) string {
		if _, ok := pkgs[name]; ok {
			return name
		}
		return provides[name]
	}
	var order []string
	seen := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		name = resolve(name)
		if name == "" || seen[name] || len(order) >= *n {
			return
		}
		seen[name] = true
		order = append(order, name)
		for _, d := range depNames(pkgs[name]) {
			visit(d)
		}
	}
	for _, r := range strings.Split(*roots, ",") {
		visit(r)
	}
	if len(order) < *n {
		return fmt.Errorf("the closure of %s has only %d packages", *roots, len(order))
	}
	inSet := map[string]bool{}
	for _, name := range order {
		inSet[name] = true
	}
	var files, bytes, conffiles int64
	for i, name := range order {
		s := pkgs[name]
		var deps []string
		for _, d := range depNames(s) {
			if r := resolve(d); inSet[r] && r != name && !slices.Contains(deps, r) {
				deps = append(deps, r)
			}
		}
		for v, version := range []string{s.version, s.version + ".1"} {
			dir := filepath.Join(*out, fmt.Sprintf("v%d", v+1), name)
			nf, nb, nc, err := writePackage(dir, name, version, deps, s.size, *lists, i%3 == 0)
			if err != nil {
				return err
			}
			if v == 0 {
				files += nf
				bytes += nb
				conffiles += nc
			}
		}
	}
	if err := os.WriteFile(filepath.Join(*out, "names"), []byte(strings.Join(order, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Printf("%d packages, %d files, %d bytes (%.1f KiB), %d conffiles\n", len(order), files, bytes, float64(bytes)/1024, conffiles)
	return nil
}

// writePackage writes one package directory for `pakt build`: size bytes
// spread over the files a real device lists for the package (lists), or,
// without a list, over size/8KiB+2 files (8.8 KB a file is the average of
// the trillaman device's info/). Conffiles (from the device, else one for
// every third package) are short text; every other file is incompressible,
// so that the ipk's compression does not shrink the payload below what a
// real package of that Installed-Size carries.
func writePackage(dir, name, version string, deps []string, size int64, lists string, every3rd bool) (files, bytes, conffiles int64, err error) {
	var control strings.Builder
	fmt.Fprintf(&control, "Package: %s\nVersion: %s\n", name, version)
	if len(deps) > 0 {
		fmt.Fprintf(&control, "Depends: %s\n", strings.Join(deps, ", "))
	}
	fmt.Fprintf(&control, "Architecture: all\nMaintainer: bench <bench@example.invalid>\nDescription: %s, sized as the real package\n", name)
	if err := os.MkdirAll(filepath.Join(dir, "CONTROL"), 0o755); err != nil {
		return 0, 0, 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "CONTROL", "control"), []byte(control.String()), 0o644); err != nil {
		return 0, 0, 0, err
	}
	var paths, confs []string
	if lists != "" {
		if data, err := os.ReadFile(filepath.Join(lists, name+".list")); err == nil {
			for _, l := range strings.Split(string(data), "\n") {
				if p, _, _ := strings.Cut(l, "\t"); strings.HasPrefix(p, "/") {
					paths = append(paths, p)
				}
			}
		}
		if data, err := os.ReadFile(filepath.Join(lists, name+".conffiles")); err == nil {
			confs = strings.Fields(string(data))
		}
	}
	// The bench root's own feed configuration lives in /etc/opkg/: the
	// opkg package's customfeeds.conf must not replace it.
	for i, p := range paths {
		paths[i] = strings.Replace(p, "/etc/opkg/", "/etc/opkg.bench/", 1)
	}
	for i, p := range confs {
		confs[i] = strings.Replace(p, "/etc/opkg/", "/etc/opkg.bench/", 1)
	}
	if len(paths) == 0 {
		// A meta package has an empty list on the device; it still
		// ships a file here so that every package writes something.
		n := size/(8<<10) + 2
		for k := range n {
			paths = append(paths, fmt.Sprintf("/usr/lib/%s/part%02d.bin", name, k))
		}
		if lists == "" && every3rd {
			paths[0] = "/etc/config/" + name
			confs = []string{paths[0]}
		}
	}
	if len(confs) > 0 {
		if err := os.WriteFile(filepath.Join(dir, "CONTROL", "conffiles"), []byte(strings.Join(confs, "\n")+"\n"), 0o644); err != nil {
			return 0, 0, 0, err
		}
	}
	seed := sha256.Sum256([]byte(name + " " + version))
	rng := rand.New(rand.NewChaCha8(seed))
	left := size
	for k, p := range paths {
		var data []byte
		if slices.Contains(confs, p) {
			data = []byte(fmt.Sprintf("config %s 'main'\n\toption enabled '1'\n\toption version '%s'\n", name, version))
			conffiles++
		} else {
			n := left / int64(len(paths)-k)
			data = make([]byte, max(n, 1))
			for j := 0; j+8 <= len(data); j += 8 {
				binary.LittleEndian.PutUint64(data[j:], rng.Uint64())
			}
		}
		left -= int64(len(data))
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return 0, 0, 0, err
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return 0, 0, 0, err
		}
		files++
		bytes += int64(len(data))
	}
	return files, bytes, conffiles, nil
}

// record appends "key<TAB>field<TAB>value" lines to a results file.
func record(path, key string, kv ...any) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(f, "%s\t%v\t%v\n", key, kv[i], kv[i+1])
	}
	return f.Close()
}

// tree lists the regular files of package directories (CONTROL left out),
// relative to their package directory.
func tree(src string) ([]string, map[string]string, error) {
	var rel []string
	from := map[string]string{}
	pkgs, err := os.ReadDir(src)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range pkgs {
		base := filepath.Join(src, p.Name())
		err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "CONTROL" {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				r, _ := filepath.Rel(base, path)
				rel = append(rel, r)
				from[r] = path
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return rel, from, nil
}

// floorWrite writes every file as a careful program would: a temporary
// name beside the destination, the bytes, one fsync, a rename.
func floorWrite(src, dir string) (syncs, bytes int64, err error) {
	rel, from, err := tree(src)
	if err != nil {
		return 0, 0, err
	}
	// Read everything first: the floor is the writing, not the reading.
	data := make(map[string][]byte, len(rel))
	for _, r := range rel {
		if data[r], err = os.ReadFile(from[r]); err != nil {
			return 0, 0, err
		}
	}
	for _, r := range rel {
		dst := filepath.Join(dir, r)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return 0, 0, err
		}
		tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp")
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return 0, 0, err
		}
		n, err := f.Write(data[r])
		bytes += int64(n)
		if err == nil {
			err = f.Sync()
			syncs++
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp, dst)
		}
		if err != nil {
			return 0, 0, err
		}
	}
	return syncs, bytes, nil
}

// floorRemove unlinks every file and syncs each directory once.
func floorRemove(src, dir string) (syncs int64, err error) {
	rel, _, err := tree(src)
	if err != nil {
		return 0, err
	}
	dirs := map[string]bool{}
	for _, r := range rel {
		if err := os.Remove(filepath.Join(dir, r)); err != nil {
			return 0, err
		}
		dirs[filepath.Dir(filepath.Join(dir, r))] = true
	}
	for d := range dirs {
		f, err := os.Open(d)
		if err != nil {
			return 0, err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return 0, err
		}
		syncs++
	}
	return syncs, nil
}

func floor(args []string) error {
	fl := flag.NewFlagSet("floor", flag.ContinueOnError)
	out := fl.String("out", "", "results file")
	reps := fl.Int("reps", 3, "repetitions")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 3 {
		return errors.New("floor: want SRC1 SRC2 DIR")
	}
	src1, src2, dir := fl.Arg(0), fl.Arg(1), fl.Arg(2)
	for rep := range *reps {
		d := filepath.Join(dir, strconv.Itoa(rep))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		steps := []struct {
			key string
			fn  func() (int64, int64, error)
		}{
			{"floor/install", func() (int64, int64, error) { return floorWrite(src1, d) }},
			{"floor/upgrade", func() (int64, int64, error) { return floorWrite(src2, d) }},
			{"floor/remove", func() (int64, int64, error) { s, err := floorRemove(src1, d); return s, 0, err }},
		}
		for _, st := range steps {
			start := time.Now()
			syncs, bytes, err := st.fn()
			if err != nil {
				return err
			}
			wall := time.Since(start)
			if err := record(*out, st.key, "wall_ms", fmt.Sprintf("%.1f", wall.Seconds()*1000), "fsyncs", syncs, "bytes", bytes); err != nil {
				return err
			}
		}
	}
	return nil
}

func run(args []string) error {
	fl := flag.NewFlagSet("run", flag.ContinueOnError)
	out := fl.String("out", "", "results file")
	key := fl.String("key", "", "result key")
	logf := fl.String("log", os.DevNull, "command output")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() == 0 {
		return errors.New("run: no command")
	}
	log, err := os.OpenFile(*logf, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(fl.Arg(0), fl.Args()[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return fmt.Errorf("%s: %w (output in %s)", strings.Join(fl.Args(), " "), err, *logf)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return errors.New("run: no rusage on this system")
	}
	// Linux reports ru_maxrss in KiB.
	return record(*out, *key, "wall_ms", fmt.Sprintf("%.1f", wall.Seconds()*1000), "rss_kib", ru.Maxrss,
		"utime_ms", ru.Utime.Nano()/1e6, "stime_ms", ru.Stime.Nano()/1e6)
}

var (
	// 1234 write(7</path>, ""..., 4096) = 4096
	callRe    = regexp.MustCompile(`^(?:\[pid +)?(\d+)\]? +(\w+)\((.*)$`)
	resumedRe = regexp.MustCompile(`^(?:\[pid +)?(\d+)\]? +<\.\.\. (\w+) resumed>(.*)$`)
	retRe     = regexp.MustCompile(`\) += (-?\d+)`)
	fdRe      = regexp.MustCompile(`\d+<([^>]*)>`)
)

// straceSum totals a `strace -f -y` trace: sync calls, and bytes written
// to regular files (sockets, pipes and /dev are left out: the terminal
// and the HTTP requests are not the transaction's cost).
func straceSum(args []string) error {
	fl := flag.NewFlagSet("strace", flag.ContinueOnError)
	out := fl.String("out", "", "results file")
	key := fl.String("key", "", "result key")
	root := fl.String("root", "", "the throwaway root: bytes are split into its database (usr/lib/opkg), its other files, and the rest (downloads)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(fl.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	var syncs, dirSyncs, bytes, writes, bytesDB, bytesRoot int64
	db := filepath.Join(*root, "usr/lib/opkg") + "/"
	pending := map[string]string{} // pid -> the start of an unfinished call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var pid, name, rest string
		if m := resumedRe.FindStringSubmatch(line); m != nil {
			pid, name = m[1], m[2]
			rest = pending[pid] + m[3]
			delete(pending, pid)
		} else if m := callRe.FindStringSubmatch(line); m != nil {
			pid, name, rest = m[1], m[2], m[3]
			if strings.HasSuffix(rest, "<unfinished ...>") {
				pending[pid] = strings.TrimSuffix(rest, "<unfinished ...>")
				continue
			}
		} else {
			continue
		}
		rm := retRe.FindStringSubmatch(rest)
		if rm == nil {
			continue
		}
		ret, _ := strconv.ParseInt(rm[1], 10, 64)
		switch name {
		case "fsync", "fdatasync", "sync_file_range", "syncfs", "sync":
			if ret != 0 {
				continue
			}
			syncs++
			// A directory is still there after the run; a synced file
			// was usually renamed, so "not a directory now" is a file.
			if fds := fdRe.FindStringSubmatch(rest); fds != nil {
				if info, err := os.Stat(fds[1]); err == nil && info.IsDir() {
					dirSyncs++
				}
			}
		case "write", "pwrite64", "writev", "pwritev", "pwritev2", "copy_file_range", "sendfile", "sendfile64":
			fds := fdRe.FindAllStringSubmatch(rest, -1)
			if len(fds) == 0 || ret <= 0 {
				continue
			}
			target := fds[0][1]
			if name == "copy_file_range" && len(fds) > 1 {
				target = fds[1][1]
			}
			// stdout and stderr may be files (a log); they are not the
			// transaction's writes.
			if strings.HasPrefix(rest, "1<") || strings.HasPrefix(rest, "2<") {
				continue
			}
			if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "/dev/") {
				continue
			}
			writes++
			bytes += ret
			switch {
			case *root == "":
			case strings.HasPrefix(target, db):
				bytesDB += ret
			case strings.HasPrefix(target, *root+"/"):
				bytesRoot += ret
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return record(*out, *key, "fsyncs", syncs, "dir_fsyncs", dirSyncs, "bytes", bytes, "writes", writes,
		"bytes_files", bytesRoot, "bytes_db", bytesDB, "bytes_other", bytes-bytesRoot-bytesDB)
}

// report prints the best (lowest) value of every field per key, and the
// ratios to the floor.
func report(args []string) error {
	if len(args) != 1 {
		return errors.New("report: want the results file")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	best := map[string]map[string]float64{}
	var keys []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			continue
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			continue
		}
		m := best[f[0]]
		if m == nil {
			m = map[string]float64{}
			best[f[0]] = m
			keys = append(keys, f[0])
		}
		if old, ok := m[f[1]]; !ok || v < old {
			m[f[1]] = v
		}
	}
	cell := func(m map[string]float64, field, format string) string {
		v, ok := m[field]
		if !ok {
			return "n/a"
		}
		return fmt.Sprintf(format, v)
	}
	ratio := func(a, b map[string]float64, field string) string {
		x, ok1 := a[field]
		y, ok2 := b[field]
		if !ok1 || !ok2 || y == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2fx", x/y)
	}
	w := io.Writer(os.Stdout)
	fmt.Fprintln(w, "| run | wall ms (best) | fsyncs (of dirs) | bytes written | (files / db / other) | peak RSS KiB | user+sys ms | wall / floor | fsyncs / floor | bytes / floor |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, k := range keys {
		m := best[k]
		phase := k[strings.LastIndex(k, "/")+1:]
		fl := best["floor/"+phase]
		cpu := "n/a"
		if u, ok := m["utime_ms"]; ok {
			cpu = fmt.Sprintf("%.0f", u+m["stime_ms"])
		}
		split := "n/a"
		if _, ok := m["bytes_files"]; ok {
			split = fmt.Sprintf("%.0f / %.0f / %.0f", m["bytes_files"], m["bytes_db"], m["bytes_other"])
		}
		syncs := cell(m, "fsyncs", "%.0f")
		if d, ok := m["dir_fsyncs"]; ok {
			syncs += fmt.Sprintf(" (%.0f)", d)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", k,
			cell(m, "wall_ms", "%.1f"), syncs, cell(m, "bytes", "%.0f"), split,
			cell(m, "rss_kib", "%.0f"), cpu,
			ratio(m, fl, "wall_ms"), ratio(m, fl, "fsyncs"), ratio(m, fl, "bytes"))
	}
	return nil
}
