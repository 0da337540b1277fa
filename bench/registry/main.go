// Command registry serves go-containerregistry's in-process registry on
// 127.0.0.1 for bench/container-apt.sh, with one image pushed into it:
// the layer tarball LAYER.tar as REPO:TAG. It prints the image's
// reference, then serves until its standard input closes.
//
// Usage: go run ./bench/registry LAYER.tar REPO:TAG
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/sysdojo/sysdojo/internal/testregistry"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: registry LAYER.tar REPO:TAG")
		os.Exit(2)
	}
	if err := serve(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "registry:", err)
		os.Exit(1)
	}
}

func serve(layerTar, repoTag string) error {
	host, stop := testregistry.Start()
	defer stop()
	layer, err := tarball.LayerFromFile(layerTar)
	if err != nil {
		return err
	}
	ref := host + "/" + repoTag
	if _, err := testregistry.Push(ref, []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, nil, layer); err != nil {
		return err
	}
	fmt.Println(ref)
	io.Copy(io.Discard, os.Stdin)
	return nil
}
