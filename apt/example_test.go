package apt_test

import (
	"fmt"

	"github.com/sysdojo/sysdojo/apt"
)

func ExampleParse() {
	src := "Types: deb deb-src\n" +
		"# a comment inside the stanza\n" +
		"URIs: http://kr.archive.ubuntu.com/ubuntu/\n" +
		"Suites: noble noble-updates\n" +
		"Components: main universe\n"
	f, err := apt.Parse("/etc/apt/sources.list.d/ubuntu.sources", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range f.Entries {
		fmt.Println(e.Where(), e.Type, e.URI, e.Suite, e.Components)
	}
	fmt.Println(string(f.Bytes()) == src)
	// Output:
	// /etc/apt/sources.list.d/ubuntu.sources:1 deb http://kr.archive.ubuntu.com/ubuntu/ noble [main universe]
	// /etc/apt/sources.list.d/ubuntu.sources:1 deb http://kr.archive.ubuntu.com/ubuntu/ noble-updates [main universe]
	// /etc/apt/sources.list.d/ubuntu.sources:1 deb-src http://kr.archive.ubuntu.com/ubuntu/ noble [main universe]
	// /etc/apt/sources.list.d/ubuntu.sources:1 deb-src http://kr.archive.ubuntu.com/ubuntu/ noble-updates [main universe]
	// true
}

func ExampleParse_malformed() {
	_, err := apt.Parse("/etc/apt/sources.list", []byte("deb http://deb.debian.org/debian bookworm\n"))
	fmt.Println(err)
	// Output:
	// /etc/apt/sources.list:1: malformed entry: no components after suite 'bookworm'
}

func ExampleExplain() {
	f, _ := apt.Parse("/etc/apt/sources.list", []byte("deb http://deb.debian.org/debian bookworm main\n"))
	for _, x := range apt.Explain(f.Entries, apt.ExplainOptions{Archs: []string{"amd64"}, Langs: []string{"en"}}) {
		for _, u := range x.URLs {
			fmt.Println(u)
		}
	}
	// Output:
	// http://deb.debian.org/debian/dists/bookworm/InRelease
	// http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.xz
	// http://deb.debian.org/debian/dists/bookworm/main/binary-all/Packages.xz
	// http://deb.debian.org/debian/dists/bookworm/main/i18n/Translation-en.xz
}
