// Package testregistry is go-containerregistry's own registry, run in
// this process on 127.0.0.1, and a way to push a small image to it: what
// the tests, the help examples and the benchmarks pull from (they never
// reach a remote registry).
package testregistry

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Handler is the registry, with its log discarded.
func Handler() http.Handler {
	return registry.New(registry.Logger(log.New(io.Discard, "", 0)))
}

// Start serves the registry on a free port of 127.0.0.1 and returns its
// host:port, and the function that stops it.
func Start() (host string, stop func()) {
	s := httptest.NewServer(Handler())
	u, _ := url.Parse(s.URL)
	return u.Host, s.Close
}

// Push pushes the image of layers, for linux on this machine's
// architecture with env and cmd in its config, as ref.
func Push(ref string, env, cmd []string, layers ...v1.Layer) (v1.Image, error) {
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	cf.Config.Env, cf.Config.Cmd = env, cmd
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, err
	}
	return img, remote.Write(r, img)
}
