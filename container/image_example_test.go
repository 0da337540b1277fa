package container_test

import (
	"fmt"

	"github.com/sysdojo/sysdojo/container"
)

// References are read as docker pull reads them: Docker Hub and its
// library by default, the tag latest when none is given.
func ExampleParseImageRef() {
	for _, s := range []string{"debian:12", "ubuntu", "registry.local:5000/x/y@sha256:" + fmt.Sprintf("%064d", 0)} {
		r, err := container.ParseImageRef(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(r.Name(), "=", container.ShortRef(r.Name()))
	}
	// Output:
	// index.docker.io/library/debian:12 = debian:12
	// index.docker.io/library/ubuntu:latest = ubuntu:latest
	// registry.local:5000/x/y@sha256:0000000000000000000000000000000000000000000000000000000000000000 = registry.local:5000/x/y@sha256:0000000000000000000000000000000000000000000000000000000000000000
}
