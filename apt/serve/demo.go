package serve

import (
	"crypto/md5"
	"sync"
	"time"
)

// DemoPackage is the name of the small package every mirror serves for
// real, so that apt-get install works end to end with no internet.
const DemoPackage = "sysdojo-hello"

// DemoVersion is its version (a native package).
const DemoVersion = "1.0"

var demoOnce struct {
	sync.Once
	deb []byte
	err error
}

// DemoDeb returns the demo package as a .deb (the same bytes every time).
func DemoDeb() ([]byte, error) {
	demoOnce.Do(func() {
		mtime := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		control := Paragraph{
			{"Package", DemoPackage},
			{"Version", DemoVersion},
			{"Architecture", "all"},
			{"Maintainer", "sysdojo <apt-serve@sysdojo.invalid>"},
			{"Section", "misc"},
			{"Priority", "optional"},
			{"Description", "greeting from the class mirror\n" +
				" sysdojo-hello prints a short greeting. It is served by sysdojo apt serve\n" +
				" so that a class can run apt-get install from its own mirror, with no\n" +
				" internet, and see what installing a package puts on the system."},
		}
		files := []DebFile{
			{Path: "/usr/bin/sysdojo-hello", Mode: 0o755, Body: []byte("#!/bin/sh\n" +
				"echo 'Hello from the class mirror: apt-get installed me from a .deb.'\n" +
				"echo '수업 미러에서 인사합니다: apt-get이 .deb로 저를 설치했습니다.'\n")},
			{Path: "/usr/share/doc/sysdojo-hello/copyright", Mode: 0o644, Body: []byte(
				"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n" +
					"Upstream-Name: sysdojo-hello\n\n" +
					"Files: *\nCopyright: 2026 sysdojo\nLicense: MIT\n" +
					" Permission is hereby granted, free of charge, to any person obtaining a copy\n" +
					" of this software, to deal in it without restriction.\n")},
			{Path: "/usr/share/doc/sysdojo-hello/changelog.gz", Mode: 0o644, Body: gz([]byte(
				"sysdojo-hello (1.0) unstable; urgency=medium\n\n"+
					"  * The class mirror's demo package.\n\n"+
					" -- sysdojo <apt-serve@sysdojo.invalid>  Thu, 01 Jan 2026 00:00:00 +0000\n"), mtime)},
			{Path: "/usr/share/man/man1/sysdojo-hello.1.gz", Mode: 0o644, Body: gz([]byte(
				".TH SYSDOJO-HELLO 1\n.SH NAME\nsysdojo-hello \\- greeting from the class mirror\n"+
					".SH SYNOPSIS\n.B sysdojo-hello\n.SH DESCRIPTION\nPrints a short greeting, in English and Korean.\n"), mtime)},
		}
		demoOnce.deb, demoOnce.err = BuildDeb(control, files, mtime)
	})
	return demoOnce.deb, demoOnce.err
}

func md5Sum(b []byte) []byte { s := md5.Sum(b); return s[:] }
