package main

import (
	"archive/tar"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sysdojo/sysdojo/internal/testregistry"
)

// imageScriptCmds are the scripts' own commands for images:
//
//	registry                 start go-containerregistry's registry in the test, on
//	                         127.0.0.1, and set $REGISTRY to its host:port
//	pushimage REF DIR [CMD]  push DIR as a one-layer image (owners and modes as on
//	                         disk), with GREETING=hello in its environment
func imageScriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"registry": func(ts *testscript.TestScript, neg bool, args []string) {
			host, stop := testregistry.Start()
			ts.Defer(stop)
			ts.Setenv("REGISTRY", host)
		},
		"pushimage": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) < 2 {
				ts.Fatalf("usage: pushimage REF DIR [CMD...]")
			}
			ts.Check(pushImage(args[0], ts.MkAbs(args[1]), args[2:]))
		},
	}
}

// pushImage pushes dir as a one-layer image named ref, with
// GREETING=hello in its environment and cmd as its default command.
func pushImage(ref, dir string, cmd []string) error {
	b, err := tarDir(dir)
	if err != nil {
		return err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		return err
	}
	_, err = testregistry.Push(ref, []string{"PATH=/bin:/usr/bin", "GREETING=hello"}, cmd, layer)
	return err
}

// tarDir is dir as a layer's tar stream.
func tarDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			link, _ = os.Readlink(p)
		}
		h, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			h.Uid, h.Gid = int(st.Uid), int(st.Gid)
		}
		h.Uname, h.Gname = "", ""
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), tw.Close()
}
