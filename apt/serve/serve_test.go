package serve

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestReleaseHashes: every file a Release lists has the size and SHA256
// it says, and the .gz and .xz copies decompress (with the real gzip and
// xz) to the plain file.
func TestReleaseHashes(t *testing.T) {
	tree, err := Build(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	xzBin := testenv.NeedTool(t, "xz")
	n := 0
	for p, rel := range tree.Files {
		if !strings.HasSuffix(p, "/Release") {
			continue
		}
		dir := strings.TrimSuffix(p, "Release")
		inSHA := false
		sc := bufio.NewScanner(bytes.NewReader(rel))
		for sc.Scan() {
			l := sc.Text()
			if !strings.HasPrefix(l, " ") {
				inSHA = l == "SHA256:"
				continue
			}
			if !inSHA {
				continue
			}
			f := strings.Fields(l)
			body, ok := tree.Files[dir+f[2]]
			if !ok {
				t.Fatalf("%s lists %s, which is not served", p, f[2])
			}
			size, _ := strconv.Atoi(f[1])
			sum := sha256.Sum256(body)
			if size != len(body) || hex.EncodeToString(sum[:]) != f[0] {
				t.Fatalf("%s: %s does not match", p, f[2])
			}
			n++
		}
		if strings.Contains(p, "/ubuntu/dists/noble/") {
			plain := tree.Files[dir+"main/binary-amd64/Packages"]
			cmd := exec.Command(xzBin, "-dc")
			cmd.Stdin = bytes.NewReader(tree.Files[dir+"main/binary-amd64/Packages.xz"])
			out, err := cmd.Output()
			if err != nil || !bytes.Equal(out, plain) {
				t.Fatalf("xz -d: %v", err)
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d files checked", n)
	}
}

// TestSignatures: gpgv accepts InRelease and Release.gpg with the key
// serve hands out.
func TestSignatures(t *testing.T) {
	gpgv := testenv.NeedTool(t, "gpgv")
	tree, err := Build(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key, err := KeyBinary()
	if err != nil {
		t.Fatal(err)
	}
	keyring := filepath.Join(dir, "key.gpg")
	os.WriteFile(keyring, key, 0o644)
	for _, name := range []string{"InRelease", "Release", "Release.gpg"} {
		os.WriteFile(filepath.Join(dir, name), tree.Files["/debian/dists/trixie/"+name], 0o644)
	}
	if out, err := exec.Command(gpgv, "--keyring", keyring, filepath.Join(dir, "InRelease")).CombinedOutput(); err != nil {
		t.Fatalf("gpgv InRelease: %v\n%s", err, out)
	}
	if out, err := exec.Command(gpgv, "--keyring", keyring, filepath.Join(dir, "Release.gpg"), filepath.Join(dir, "Release")).CombinedOutput(); err != nil {
		t.Fatalf("gpgv Release.gpg: %v\n%s", err, out)
	}
	// A changed byte must fail: the check above can fail.
	tampered := bytes.Replace(tree.Files["/debian/dists/trixie/InRelease"], []byte("Suite: trixie"), []byte("Suite: trixiE"), 1)
	os.WriteFile(filepath.Join(dir, "InRelease"), tampered, 0o644)
	if out, err := exec.Command(gpgv, "--keyring", keyring, filepath.Join(dir, "InRelease")).CombinedOutput(); err == nil {
		t.Errorf("gpgv accepted a tampered InRelease:\n%s", out)
	}
	os.WriteFile(filepath.Join(dir, "Release"), append(tree.Files["/debian/dists/trixie/Release"], 'x'), 0o644)
	if out, err := exec.Command(gpgv, "--keyring", keyring, filepath.Join(dir, "Release.gpg"), filepath.Join(dir, "Release")).CombinedOutput(); err == nil {
		t.Errorf("gpgv accepted a tampered Release:\n%s", out)
	}
	if a, err := KeyArmored(); err != nil || !bytes.HasPrefix(a, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
		t.Errorf("armored key: %v", err)
	}
}

func TestServeAndStop(t *testing.T) {
	srv, err := Start("127.0.0.1:0", []MirrorConfig{{}, {Stale: true, Syncing: true}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m := srv.Mirrors[1]
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(m.Archive("ubuntu") + "dists/noble/Release"); code != 200 || !strings.Contains(body, "Date: ") {
		t.Errorf("Release: %d %q", code, body)
	}
	if code, _ := get(m.Archive("ubuntu") + "dists/nosuch/InRelease"); code != 404 {
		t.Errorf("missing suite: %d", code)
	}
	if code, _ := get(m.Archive("debian") + "Archive-Update-in-Progress-127.0.0.1"); code != 200 {
		t.Errorf("sync marker: %d", code)
	}
	if code, _ := get(srv.Mirrors[0].Archive("debian") + "Archive-Update-in-Progress-127.0.0.1"); code != 404 {
		t.Errorf("sync marker on a mirror not syncing: %d", code)
	}
	if len(m.Seen()) != 3 {
		t.Errorf("seen: %v", m.Seen())
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(m.URL); err == nil {
		t.Error("still serving after Close")
	}
}
