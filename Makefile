# make dist: the release, reproducibly (two runs on the same commit give the
# same SHA256SUMS). Everything lands in dist/:
#
#   sysdojo_VERSION_linux_{amd64,arm64}.tar.gz   binary, man pages, completions, README, LICENSE
#   sysdojo_VERSION_{amd64,arm64}.deb            /usr/bin/sysdojo, man pages (en, ko), completions
#   SHA256SUMS
#
# Other targets: make build (bin/sysdojo for this machine), make man (the
# man pages and completion scripts under dist/gen), make test, make clean.
#
# The shipped binary is static (CGO_ENABLED=0), built with -trimpath, no
# build id and the urfave_cli_no_docs tag (no man page generator inside:
# the pages are written here, by `go run ./cmd/sysdojo gen-docs`). Version,
# commit and date come from git; SOURCE_DATE_EPOCH (default: the commit's
# time) dates every file, so the output depends only on the source.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
NFPM ?= $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0
ARCHES ?= amd64 arm64

COMMIT := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
# A tag vX.Y.Z gives X.Y.Z; N commits after it, X.Y.Z+N.gHASH; with no
# tag, 0.0.0+git.HASH. Each is a valid Debian version and sorts as it should.
VERSION ?= $(shell v=$$(git describe --tags --match 'v[0-9]*' 2>/dev/null) \
	&& echo "$${v\#v}" | sed -E 's/-([0-9]+)-g([0-9a-f]+)$$/+\1.g\2/' \
	|| echo 0.0.0+git.$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown))
DATE := $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)
DAY := $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%d)
export SOURCE_DATE_EPOCH

DIST := dist
GEN := $(DIST)/gen
TAGS := urfave_cli_no_docs
LDFLAGS := -s -w -buildid= -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
# Reproducible tar: sorted names, fixed owner and times, no atime/ctime.
TAR := tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$(SOURCE_DATE_EPOCH) \
	--format=gnu --mode='u+rw,go+r,go-w'

.PHONY: dist build man test clean deb tarballs binaries

dist: clean
	$(MAKE) --no-print-directory tarballs deb
	cd $(DIST) && sha256sum *.tar.gz *.deb > SHA256SUMS
	@cat $(DIST)/SHA256SUMS

build:
	CGO_ENABLED=0 $(GO) build -trimpath -tags $(TAGS) -ldflags '$(LDFLAGS)' -o bin/sysdojo ./cmd/sysdojo

# The man pages (gzipped as Debian wants them) and completion scripts,
# written by a build of this machine's architecture without the tag.
man:
	rm -rf $(GEN) && mkdir -p $(GEN)
	$(GO) run -trimpath ./cmd/sysdojo gen-docs --version $(VERSION) --date $(DAY) $(GEN)
	gzip -9n $(GEN)/man/man1/sysdojo.1 $(GEN)/man/ko/man1/sysdojo.1
	printf '%s\n' 'sysdojo ($(VERSION)) unstable; urgency=medium' '' \
		'  * Release $(VERSION).' \
		'  * Commit $(COMMIT).' '' \
		" -- sysdojo maintainers <sysdojo@users.noreply.github.com>  $$(date -u -R -d @$(SOURCE_DATE_EPOCH))" \
		| gzip -9n > $(GEN)/changelog.gz

binaries:
	for arch in $(ARCHES); do \
		CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build -trimpath -tags $(TAGS) \
			-ldflags '$(LDFLAGS)' -o $(DIST)/stage/sysdojo_$(VERSION)_linux_$$arch/sysdojo ./cmd/sysdojo; \
	done

tarballs: man binaries
	for arch in $(ARCHES); do \
		d=sysdojo_$(VERSION)_linux_$$arch; s=$(DIST)/stage/$$d; \
		cp -r $(GEN)/man $(GEN)/completions $$s/; \
		cp README.md LICENSE $$s/; \
		find $$s -exec touch -h -d @$(SOURCE_DATE_EPOCH) {} +; \
		$(TAR) -C $(DIST)/stage -cf - $$d | gzip -9n > $(DIST)/$$d.tar.gz; \
	done

deb: tarballs
	for arch in $(ARCHES); do \
		sed -e "s|\$${ARCH}|$$arch|g" -e "s|\$${VERSION}|$(VERSION)|g" -e "s|\$${GEN}|$(GEN)|g" \
			-e "s|\$${STAGE}|$(DIST)/stage/sysdojo_$(VERSION)_linux_$$arch|g" \
			packaging/nfpm.yaml > $(GEN)/nfpm-$$arch.yaml; \
		$(NFPM) package --config $(GEN)/nfpm-$$arch.yaml --packager deb \
			--target $(DIST)/sysdojo_$(VERSION)_$$arch.deb; \
	done

test:
	$(GO) test ./...

clean:
	rm -rf $(DIST) bin
