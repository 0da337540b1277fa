package apt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/apt/mirrors"
)

func fixtureFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{"testdata/examples", "testdata/fixtures"} {
		m, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if strings.HasSuffix(f, ".list") || strings.HasSuffix(f, ".sources") {
				files = append(files, f)
			}
		}
	}
	if len(files) < 10 {
		t.Fatalf("only %d fixtures", len(files))
	}
	return files
}

func TestRoundTrip(t *testing.T) {
	for _, path := range fixtureFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(path, data)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Bytes(); !bytes.Equal(got, data) {
				t.Fatalf("round trip changed the bytes:\n%q\n%q", got, data)
			}
			if len(f.Entries) == 0 {
				t.Fatal("no entries")
			}
			for _, e := range f.Entries {
				l := f.Lines[e.URISpan.Line].Text
				raw := l[e.URISpan.Start:e.URISpan.End]
				if strings.Trim(raw, `"`) != e.URI {
					t.Errorf("%s: span %v gives %q, URI is %q", e.Where(), e.URISpan, raw, e.URI)
				}
			}
		})
	}
}

func TestEntries(t *testing.T) {
	type want struct {
		n, enabled, commented int
	}
	tests := map[string]want{
		"ubuntu-22.04-cloud-init-nova.list":        {32, 16, 16},
		"debian-12-netinst-backports.list":         {27, 24, 3},
		"raspi-stretch.list":                       {4, 2, 2},
		"linuxmint-19-trusted-id-comment.list":     {21, 21, 0},
		"docker-ustc-arch-signed-by-no-eol.list":   {1, 1, 0},
		"ubuntu-24.04-noble-ubuntu.sources":        {16, 16, 0},
		"debian-12-docker-image-debian.sources":    {3, 3, 0},
		"ppa-ansible-noble-embedded-key.sources":   {1, 1, 0},
		"popos-style-system-commented-uri.sources": {32, 32, 0},
		"corners.sources":                          {2*2*3*2 + 1 + 1, 25, 0},
		"crlf.list":                                {3, 2, 1},
		"tabs.list":                                {3, 2, 1},
	}
	for _, path := range fixtureFiles(t) {
		w, ok := tests[filepath.Base(path)]
		if !ok {
			continue
		}
		data, _ := os.ReadFile(path)
		f, err := Parse(path, data)
		if err != nil {
			t.Fatal(err)
		}
		var got want
		for _, e := range f.Entries {
			got.n += len(e.Components)
			if len(e.Components) == 0 {
				got.n++
			}
			if e.Enabled {
				got.enabled += max(1, len(e.Components))
			}
			if e.Commented {
				got.commented += max(1, len(e.Components))
			}
		}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", filepath.Base(path), got, w)
		}
	}
}

func TestParseDetails(t *testing.T) {
	f, err := Parse("/etc/apt/sources.list.d/x.list", []byte(
		"deb [ arch=amd64 signed-by=/k.gpg ] http://a/ubuntu noble main #c\n"+
			"deb cdrom:[Ubuntu 24.04 _Noble_ - Release]/ noble main\n"+
			"deb \"http://b/x y/\" s c\n"+
			"deb [arch=amd64] http://c/ ./\n"+
			"#deb-src http://d/ s c # note\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := f.Entries
	if len(e) != 5 {
		t.Fatalf("got %d entries", len(e))
	}
	if e[0].Options["arch"] != "amd64" || e[0].Options["signed-by"] != "/k.gpg" || e[0].URI != "http://a/ubuntu" {
		t.Errorf("entry 0: %+v", e[0])
	}
	if e[1].URI != "cdrom:[Ubuntu 24.04 _Noble_ - Release]/" || e[1].Suite != "noble" {
		t.Errorf("entry 1: %+v", e[1])
	}
	if e[2].URI != "http://b/x y/" || e[2].Suite != "s" {
		t.Errorf("entry 2: %+v", e[2])
	}
	if !e[3].Flat() || len(e[3].Components) != 0 {
		t.Errorf("entry 3: %+v", e[3])
	}
	if e[4].Enabled || !e[4].Commented || e[4].Type != "deb-src" || e[4].Line != 5 || strings.Join(e[4].Components, " ") != "c" {
		t.Errorf("entry 4: %+v", e[4])
	}
}

var malformedCases = []struct {
	name, data string
	line       int
	want       string
}{
	{"a.list", "deb\n", 1, "type"},
	{"a.list", "\n\ndeb http://x\n", 3, "no suite"},
	{"a.list", "rpm http://x s c\n", 1, "unknown type"},
	{"a.list", "deb [arch=amd64 http://x s c\n", 1, "key=value"}, {"a.list", "deb [arch=amd64\n", 1, "not closed"},
	{"a.list", "deb [arch] http://x s c\n", 1, "key=value"},
	{"a.list", "deb [a=] http://x s c\n", 1, "no value"},
	{"a.list", "deb http://x noble\n", 1, "no components"},
	{"a.list", "deb http://x ./ main\n", 1, "flat suite"},
	{"a.list", "deb archive.ubuntu.com noble main\n", 1, "no scheme"},
	{"a.list", "deb \"http://x s c\n", 1, "no URI"},
	{"a.sources", "Types: deb\nURIs: http://x\nComponents: main\n", 1, "no Suites"},
	{"a.sources", "Types: deb\nSuites: s\nComponents: main\n", 1, "no URIs"},
	{"a.sources", "\n\nURIs: http://x\nSuites: s\nComponents: main\n", 3, "no Types"},
	{"a.sources", "Types: rpm\nURIs: http://x\nSuites: s\nComponents: main\n", 1, "unknown type"},
	{"a.sources", "Types: deb\nthis is not a field\n", 2, "Field: value"},
	{"a.sources", "Types: deb\nTypes: deb\n", 1, "no URIs"},
	{"a.sources", "Types: deb\nURIs: http://x\nSuites: s\n", 1, "no Components"},
	{"a.sources", "Types: deb\nURIs: http://x\nSuites: ./\nComponents: main\n", 1, "flat suite"},
}

func TestMalformed(t *testing.T) {
	for _, tt := range malformedCases {
		_, err := Parse(tt.name, []byte(tt.data))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: got %v, want a ParseError", tt.data, err)
			continue
		}
		if pe.Line != tt.line || !strings.Contains(pe.Error(), tt.want) || pe.What.Ko == "" {
			t.Errorf("%q: got %v (line %d), want line %d and %q", tt.data, err, pe.Line, tt.line, tt.want)
		}
	}
}

func FuzzOneLine(f *testing.F) { fuzzFormat(f, "fuzz.list") }

func FuzzDeb822(f *testing.F) { fuzzFormat(f, "fuzz.sources") }

func fuzzFormat(f *testing.F, name string) {
	for _, dir := range []string{"testdata/examples", "testdata/fixtures"} {
		m, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, p := range m {
			if b, err := os.ReadFile(p); err == nil && !strings.HasSuffix(p, ".md") {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("deb [ a=b ]] x:y s c\r\n#deb \"x:\" ./ \n\xff"))
	f.Add([]byte("deb tor+https://archive.ubuntu.com/ubuntu/ noble main\ndeb Tor+HTTP://deb.debian.org/debian x y\n"))
	cat := mirrors.Default()
	kakao, err := ResolveTarget(cat, "kakao", "ubuntu")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(name, data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %v", err)
			}
			return
		}
		if got := file.Bytes(); !bytes.Equal(got, data) {
			t.Fatalf("round trip: %q != %q", got, data)
		}
		for _, e := range file.Entries {
			l := file.Lines[e.URISpan.Line].Text
			if e.URISpan.Start < 0 || e.URISpan.End > len(l) || e.URISpan.Start >= e.URISpan.End {
				t.Fatalf("bad span %v in %q", e.URISpan, l)
			}
			// The transport splits without losing a byte, and a switch
			// never drops a tor+ wrapper nor lowers https.
			w, _, inner := mirrors.SplitTransport(e.URI)
			if w != "" && e.URI[:len(e.URI)-len(inner)] != e.URI[:len(w)]+"+" {
				t.Fatalf("SplitTransport(%q) = %q, %q", e.URI, w, inner)
			}
			c := cat.Classify(e.URI, nil)
			if to, _, ok := carryScheme("http://mirror.kakao.com/ubuntu/", c, kakao, false); ok {
				if c.Wrapper == "tor" && !strings.HasPrefix(to, "tor+") {
					t.Fatalf("%q: tor+ dropped: %q", e.URI, to)
				}
				if c.Scheme == "https" && !strings.Contains(to, "https://") {
					t.Fatalf("%q: https lowered: %q", e.URI, to)
				}
			}
		}
	})
}
