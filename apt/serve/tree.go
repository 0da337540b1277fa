// Package serve is a small real APT mirror for loopback use: an in-memory
// tree of Ubuntu and Debian suites (Release, InRelease signed with an
// embedded test key, Packages, Sources and Translation-en in plain, .gz
// and .xz) served over HTTP, with optional delays and stale or syncing
// mirrors so that classes and tests can switch to it, rank it and run the
// real apt-get against it.
package serve

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ulikunitz/xz"
)

// Archive is one archive a mirror serves, e.g. /ubuntu/.
type Archive struct {
	Path       string // "ubuntu", "ubuntu-ports", "debian", "debian-security"
	Distro     string // ubuntu, debian
	Origin     string
	Suites     []string
	Components []string
	Archs      []string
}

// Archives is what apt serve carries: what a class meets today.
var Archives = []Archive{
	{Path: "ubuntu", Distro: "ubuntu", Origin: "Ubuntu",
		Suites:     []string{"noble", "noble-updates", "noble-backports", "noble-security", "jammy", "jammy-updates", "jammy-backports", "jammy-security"},
		Components: []string{"main", "restricted", "universe", "multiverse"}, Archs: []string{"amd64", "i386"}},
	{Path: "ubuntu-ports", Distro: "ubuntu", Origin: "Ubuntu",
		Suites:     []string{"noble", "noble-updates", "noble-backports", "noble-security", "jammy", "jammy-updates", "jammy-backports", "jammy-security"},
		Components: []string{"main", "restricted", "universe", "multiverse"}, Archs: []string{"arm64", "armhf"}},
	{Path: "debian", Distro: "debian", Origin: "Debian",
		Suites:     []string{"bookworm", "bookworm-updates", "bookworm-backports", "trixie", "trixie-updates", "trixie-backports"},
		Components: []string{"main", "contrib", "non-free", "non-free-firmware"}, Archs: []string{"amd64", "arm64"}},
	{Path: "debian-security", Distro: "debian", Origin: "Debian",
		Suites:     []string{"bookworm-security", "trixie-security"},
		Components: []string{"main", "contrib", "non-free", "non-free-firmware"}, Archs: []string{"amd64", "arm64"}},
}

// Tree is the files of one mirror, by path ("/ubuntu/dists/noble/InRelease"),
// and the packages it serves, by path ("/debian/pool/main/s/...deb").
type Tree struct {
	Files map[string][]byte
	Debs  map[string]*PoolDeb
	Date  time.Time
	pool  *Pool
}

// KeyArmored returns the public test key (armored), for Signed-By.
func KeyArmored() ([]byte, error) {
	return armor("PGP PUBLIC KEY BLOCK", newPGPKey().publicKey()), nil
}

// KeyBinary returns the public test key as a binary keyring (what
// /usr/share/keyrings/*.gpg files hold).
func KeyBinary() ([]byte, error) { return newPGPKey().publicKey(), nil }

// compressed caches compressed bodies by content: most index files are
// alike, and an xz writer is costly to set up.
type compressor struct{ gzc, xzc map[string][]byte }

func (c *compressor) gzip(b []byte) []byte {
	if v, ok := c.gzc[string(b)]; ok {
		return v
	}
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	w.Write(b)
	w.Close()
	c.gzc[string(b)] = out.Bytes()
	return out.Bytes()
}

func (c *compressor) xz(b []byte) []byte {
	if v, ok := c.xzc[string(b)]; ok {
		return v
	}
	var out bytes.Buffer
	w, err := xz.WriterConfig{DictCap: 1 << 16}.NewWriter(&out)
	if err != nil {
		panic(err)
	}
	w.Write(b)
	w.Close()
	c.xzc[string(b)] = out.Bytes()
	return out.Bytes()
}

func codename(suite string) string {
	c, _, _ := strings.Cut(suite, "-")
	return c
}

func packages(distro, comp, arch, suite string) []byte {
	a := arch
	name := "sysdojo-hello-" + comp
	if arch == "all" {
		name = "sysdojo-doc-" + comp
	}
	return []byte(fmt.Sprintf("Package: %s\nArchitecture: %s\nVersion: 1.0-1~%s\nPriority: optional\nSection: misc\n"+
		"Maintainer: sysdojo <apt-serve@sysdojo.invalid>\nInstalled-Size: 1\n"+
		"Filename: pool/%s/s/%s/%s_1.0-1~%s_%s.deb\nSize: 1024\n"+
		"SHA256: %s\nDescription: a tiny package from sysdojo's class mirror (%s)\n\n",
		name, a, codename(suite), comp, name, name, codename(suite), a,
		hex.EncodeToString(sha256Sum([]byte(name+a+suite))), distro))
}

func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func sources(comp, suite string) []byte {
	return []byte("Package: sysdojo-hello-" + comp + "\nBinary: sysdojo-hello-" + comp + ", sysdojo-doc-" + comp + "\nVersion: 1.0-1~" + codename(suite) +
		"\nMaintainer: sysdojo <apt-serve@sysdojo.invalid>\nArchitecture: any all\nFormat: 3.0 (native)\n" +
		"Directory: pool/" + comp + "/s/sysdojo-hello-" + comp + "\nFiles:\n d41d8cd98f00b204e9800998ecf8427e 0 sysdojo-hello-" + comp + "_1.0-1~" + codename(suite) + ".dsc\n\n")
}

func translation(comp string) []byte {
	return []byte("Package: sysdojo-hello-" + comp + "\nDescription-md5: 0b6c2d3a8f1e4b5c6d7e8f9a0b1c2d3e\nDescription-en: a tiny package from sysdojo's class mirror\n\n")
}

// Build makes the tree of one mirror whose archive was last updated at
// date.
func Build(date time.Time) (*Tree, error) { return BuildWith(date, nil) }

// BuildWith is Build with the packages of pool (nil for none) in every
// suite's main component, beside the demo package (DemoDeb).
func BuildWith(date time.Time, pool *Pool) (*Tree, error) {
	signer := newPGPKey()
	t := &Tree{Files: map[string][]byte{}, Debs: map[string]*PoolDeb{}, Date: date.UTC().Truncate(time.Second), pool: pool}
	c := &compressor{gzc: map[string][]byte{}, xzc: map[string][]byte{}}
	demo, err := demoPoolDeb()
	if err != nil {
		return nil, fmt.Errorf("building the demo package: %w", err)
	}
	debs := []*PoolDeb{demo}
	if pool != nil {
		debs = append(debs, pool.Debs...)
	}
	// The real packages' stanzas, by architecture (arch: all ones in
	// every architecture's list too, as Debian's archive does).
	real := map[string]string{}
	for _, d := range debs {
		real[d.arch()] += d.stanza()
	}
	for _, a := range Archives {
		for _, d := range debs {
			t.Debs["/"+a.Path+"/"+d.Filename] = d
		}
		for _, suite := range a.Suites {
			index := map[string][]byte{}
			addAll := func(name string, body []byte) {
				index[name] = body
				index[name+".gz"] = c.gzip(body)
				index[name+".xz"] = c.xz(body)
			}
			for _, comp := range a.Components {
				for _, arch := range append(append([]string{}, a.Archs...), "all") {
					body := packages(a.Distro, comp, arch, suite)
					if comp == "main" {
						if pool != nil {
							// Only real packages: the same list in every
							// suite, compressed once.
							body = nil
						}
						body = append(body, real[arch]...)
						if arch != "all" {
							body = append(body, real["all"]...)
						}
					}
					addAll(comp+"/binary-"+arch+"/Packages", body)
				}
				addAll(comp+"/i18n/Translation-en", translation(comp))
				addAll(comp+"/source/Sources", sources(comp, suite))
			}
			// A large file, as real archives have, for apt rank's
			// throughput sample (apt-get update does not fetch it).
			index[contentsPath(a)] = sample()
			release := releaseFile(a, suite, t.Date, index)
			dir := "/" + a.Path + "/dists/" + suite + "/"
			for name, body := range index {
				t.Files[dir+name] = body
			}
			t.Files[dir+"Release"] = release
			t.Files[dir+"InRelease"] = signer.clearSign(release)
			t.Files[dir+"Release.gpg"] = signer.detachSign(release)
		}
	}
	return t, nil
}

func releaseFile(a Archive, suite string, date time.Time, index map[string][]byte) []byte {
	names := make([]string, 0, len(index))
	for n := range index {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "Origin: %s\nLabel: %s\nSuite: %s\nCodename: %s\n", a.Origin, a.Origin, suite, suite)
	fmt.Fprintf(&b, "Date: %s\n", date.UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Architectures: all %s\nComponents: %s\n", strings.Join(a.Archs, " "), strings.Join(a.Components, " "))
	fmt.Fprintf(&b, "Description: %s %s, a tiny copy served by sysdojo apt serve\n", a.Origin, suite)
	b.WriteString("MD5Sum:\n")
	for _, n := range names {
		fmt.Fprintf(&b, " %s %8d %s\n", md5Hex(index[n]), len(index[n]), n)
	}
	b.WriteString("SHA256:\n")
	for _, n := range names {
		fmt.Fprintf(&b, " %s %8d %s\n", sha256Hex(index[n]), len(index[n]), n)
	}
	return []byte(b.String())
}

// SampleSize is the size of the large Contents file every suite serves.
const SampleSize = 2 << 20

var sampleOnce struct {
	sync.Once
	body        []byte
	md5, sha256 string
}

// sample is a valid gzip file (stored, not compressed) of a Contents
// listing, SampleSize bytes or a little more: the same bytes for every
// suite, hashed once.
func sample() []byte {
	s := &sampleOnce
	s.Do(func() {
		var text bytes.Buffer
		for i := 0; text.Len() < SampleSize; i++ {
			fmt.Fprintf(&text, "usr/share/doc/sysdojo-hello-main/examples/file-%07d.txt    misc/sysdojo-hello-main\n", i)
		}
		var out bytes.Buffer
		w, _ := gzip.NewWriterLevel(&out, gzip.NoCompression)
		w.Write(text.Bytes())
		w.Close()
		s.body = out.Bytes()
		m := md5.Sum(s.body)
		s.md5 = hex.EncodeToString(m[:])
		s.sha256 = hex.EncodeToString(sha256Sum(s.body))
	})
	return s.body
}

func isSample(b []byte) bool {
	s := sample()
	return len(b) == len(s) && len(b) > 0 && &b[0] == &s[0]
}

func md5Hex(b []byte) string {
	if isSample(b) {
		return sampleOnce.md5
	}
	m := md5.Sum(b)
	return hex.EncodeToString(m[:])
}

func sha256Hex(b []byte) string {
	if isSample(b) {
		return sampleOnce.sha256
	}
	return hex.EncodeToString(sha256Sum(b))
}

// contentsPath is where an archive keeps its Contents file for its first
// architecture, relative to dists/SUITE/: Ubuntu at the top, Debian per
// component.
func contentsPath(a Archive) string {
	if a.Distro == "debian" {
		return a.Components[0] + "/Contents-" + a.Archs[0] + ".gz"
	}
	return "Contents-" + a.Archs[0] + ".gz"
}
